"""Small questions about AST literals and calls, shared by the torch and array mutators."""

from __future__ import annotations

import ast
import functools
import math
import random
from collections.abc import Callable, Iterable

from fuzzfox.generation.ops.enums import Enums, alternatives


def is_int(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int


def int_value(node: ast.AST | None) -> int | None:
    if node is not None and is_int(node):
        return node.value  # type: ignore[attr-defined]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and is_int(node.operand):
        return -node.operand.value  # type: ignore[attr-defined]
    return None


def is_number(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float) and math.isfinite(node.value)


def elements_of(node: ast.AST) -> list[ast.AST]:
    return list(node.elts) if isinstance(node, (ast.Tuple, ast.List)) else [node]


def number(value: int | float) -> ast.expr:
    if value < 0:
        return ast.UnaryOp(ast.USub(), ast.Constant(-value))
    return ast.Constant(value)


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def stored_names(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


def is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def is_method(node: ast.AST, name: str) -> bool:
    """Whether ``node`` is a call of an attribute called ``name`` (``x.size()``)."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name


def keyword_node(keywords: list[ast.keyword], *names: str) -> ast.keyword | None:
    return next((k for k in keywords if k.arg in names), None)


def is_float_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp):
        return is_float_literal(node.operand)
    return isinstance(node, ast.Constant) and type(node.value) is float


Edit = Callable[[random.Random], None]


def option_edits(
    nodes: Iterable[ast.AST], table: Enums, replace: Callable[[ast.AST, ast.AST], None]
) -> list[Edit]:
    """Each way to move one option among ``nodes`` to another of its documented values, to apply
    with an rng: a bool keyword given a literal flipped (:func:`bool_keywords`), or a text enum
    swapped within its set of ``table`` (:func:`enum_arguments`; ``replace`` puts a node in
    another's place)."""
    listed = list(nodes)
    edits: list[Edit] = [functools.partial(_flip, keyword) for keyword in bool_keywords(listed)]
    calls = [node for node in listed if isinstance(node, ast.Call)]
    edits += [
        functools.partial(_swap, replace, node, others) for node, others in enum_arguments(calls, table)
    ]
    return edits


def _flip(keyword: ast.keyword, rng: random.Random) -> None:
    keyword.value = ast.Constant(not keyword.value.value)  # type: ignore[attr-defined]


def _swap(
    replace: Callable[[ast.AST, ast.AST], None],
    node: ast.Constant,
    others: list[str | None],
    rng: random.Random,
) -> None:
    replace(node, ast.Constant(rng.choice(others)))


def bool_keywords(nodes: Iterable[ast.AST]) -> list[ast.keyword]:
    """The keyword arguments among ``nodes`` given a literal True or False (``keepdim=True``)."""
    return [
        node
        for node in nodes
        if isinstance(node, ast.keyword)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, bool)
    ]


def enum_arguments(calls: Iterable[ast.Call], table: Enums) -> list[tuple[ast.Constant, list[str | None]]]:
    """The text arguments of ``calls`` (keyword or positional; a keyword's ``None`` too) that a set
    of ``table`` holds, each with the other values of its sets."""
    found: list[tuple[ast.Constant, list[str | None]]] = []
    for call in calls:
        arguments: list[tuple[str | None, ast.expr]] = [(k.arg, k.value) for k in call.keywords if k.arg]
        arguments += [
            (None, a) for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        for name, node in arguments:
            if not isinstance(node, ast.Constant) or not (node.value is None or isinstance(node.value, str)):
                continue
            if others := alternatives(table, name, node.value):
                found.append((node, others))
    return found
