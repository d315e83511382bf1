"""Literal reductions: integer sizes shrunk (everywhere at once, so shapes keep agreeing, then one
place at a time), floats simplified."""

from __future__ import annotations

import ast
import math
from collections.abc import Iterator

from fuzzfox.program_ast import INIT_METHOD, inputs_function, method
from fuzzfox.triage.minimize_passes.common import AXIS_KEYWORDS, Edit, parents_of


def int_edits(tree: ast.Module) -> Iterator[Edit]:
    """Shrink sizes of inputs and layers: a value everywhere at once (shapes must agree), then one
    place at a time; toward 1, 2, then half."""
    everywhere = _int_constants([tree])
    sizes = _int_constants([f for f in (inputs_function(tree), method(tree, INIT_METHOD)) if f])
    for value in sorted({c.value for c in sizes}, reverse=True):
        targets = sorted({t for t in (1, 2, value // 2) if 1 <= t < value})
        if sum(c.value == value for c in everywhere) > 1:
            for target in targets:
                yield _set_ints(value, target, None)
        for site, constant in enumerate(sizes):
            if constant.value == value:
                for target in targets:
                    yield _set_ints(value, target, site)


def _int_constants(roots: list[ast.AST]) -> list[ast.Constant]:
    """Integer literals above 1, not booleans, not axes."""
    found: list[ast.Constant] = []
    for root in roots:
        parents = parents_of(root)
        for node in ast.walk(root):
            if (
                isinstance(node, ast.Constant)
                and type(node.value) is int
                and node.value > 1
                and not (isinstance(parents.get(node), ast.keyword) and parents[node].arg in AXIS_KEYWORDS)
            ):
                found.append(node)
    return found


def _set_ints(value: int, target: int, site: int | None) -> Edit:
    def edit(tree: ast.Module) -> bool:
        if site is None:
            constants = [c for c in _int_constants([tree]) if c.value == value]
        else:
            sizes = _int_constants([f for f in (inputs_function(tree), method(tree, INIT_METHOD)) if f])
            constants = [sizes[site]] if site < len(sizes) and sizes[site].value == value else []
        for constant in constants:
            constant.value = target
        return bool(constants)

    return edit


def float_edits(tree: ast.Module) -> Iterator[Edit]:
    """Simplify a float literal: toward 0 or 1, rounded, or to one significant digit."""
    for site, constant in enumerate(_float_constants(tree)):
        value = constant.value
        if not math.isfinite(value):
            continue
        targets = dict.fromkeys((0.0, 1.0, float(round(value)), float(f"{value:.1g}")))
        for target in targets:
            if target != value:
                yield _set_float(site, target)


def _float_constants(tree: ast.Module) -> list[ast.Constant]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and type(n.value) is float]


def _set_float(site: int, target: float) -> Edit:
    def edit(tree: ast.Module) -> bool:
        constants = _float_constants(tree)
        if site >= len(constants):
            return False
        constants[site].value = target
        return True

    return edit
