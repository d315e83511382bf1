"""Statement-level reductions: the statement lists delta debugging cuts, and the edits that
delete structure (a layer, a loop or ``if`` around a body, a variable used once)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from fuzzfox.program_ast import ENTRY_CLASS, INIT_METHOD, compute_functions, method, model_class
from fuzzfox.triage.minimize_passes.common import (
    SIMPLE_STATEMENTS,
    Edit,
    all_functions,
    bound_names,
    loaded_names,
    parents_of,
    replace,
    scoped_names,
    self_attribute,
)

COMPOUND_STATEMENTS = (ast.For, ast.While, ast.If, ast.With)


def bodies(tree: ast.Module) -> list[str]:
    """Keys of the statement lists delta debugging works on, compute code first, module last."""
    model = model_class(tree)
    keys = [_function_key(f, model) for f in all_functions(tree)]
    return [*keys, *([ENTRY_CLASS] if model else []), ""]


def _function_key(function: ast.FunctionDef, model: ast.ClassDef | None) -> str:
    is_method = model is not None and function in model.body
    return f"{ENTRY_CLASS}.{function.name}" if is_method else function.name


def body_of(tree: ast.Module, key: str) -> list[ast.stmt] | None:
    """The statement list a key of :func:`bodies` names, in this tree."""
    model = model_class(tree)
    if key == "":
        return tree.body
    if key == ENTRY_CLASS:
        return model.body if model else None
    owner, _, name = key.rpartition(".")
    scope = (model.body if model else []) if owner else tree.body
    found = next((n for n in scope if isinstance(n, ast.FunctionDef) and n.name == name), None)
    return found.body if found else None


def keep_statements(key: str, kept: list[int]) -> Edit:
    def edit(tree: ast.Module) -> bool:
        body = body_of(tree, key)
        if body is None or not kept:
            return False
        body[:] = [body[i] for i in kept]
        return True

    return edit


def layer_edits(tree: ast.Module) -> Iterator[Edit]:
    """Drop a layer: its ``self.x = ...`` in ``__init__``, and ``self.x(h, ...)`` becomes ``h``."""
    init = method(tree, INIT_METHOD)
    if init is None:
        return
    seen: list[str] = []
    for statement in init.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            name = self_attribute(statement.targets[0])
            if name and name not in seen:
                seen.append(name)
                yield _drop_layer(name)


def _drop_layer(name: str) -> Edit:
    def edit(tree: ast.Module) -> bool:
        init = method(tree, INIT_METHOD)
        if init is None:
            return False
        init.body[:] = [
            s
            for s in init.body
            if not (isinstance(s, ast.Assign) and any(self_attribute(t) == name for t in s.targets))
        ] or [ast.Pass()]
        parents = parents_of(tree)
        for function in compute_functions(tree):
            for node in list(ast.walk(function)):
                if isinstance(node, ast.Call) and self_attribute(node.func) == name:
                    if not node.args or isinstance(node.args[0], ast.Starred):
                        return False
                    replace(parents, node, node.args[0])
                    parents[node.args[0]] = parents[node]
        return True

    return edit


def unwrap_edits(tree: ast.Module) -> Iterator[Edit]:
    """Replace a ``for``/``while``/``if``/``with`` statement by its body (an ``if`` also by its else)."""
    for key in bodies(tree):
        body = body_of(tree, key) or []
        for index, statement in enumerate(body):
            if isinstance(statement, COMPOUND_STATEMENTS):
                yield _unwrap(key, index, "body")
                if isinstance(statement, ast.If) and statement.orelse:
                    yield _unwrap(key, index, "orelse")


def _unwrap(key: str, index: int, field: str) -> Edit:
    def edit(tree: ast.Module) -> bool:
        body = body_of(tree, key)
        if body is None or index >= len(body):
            return False
        body[index : index + 1] = getattr(body[index], field)
        return True

    return edit


def inline_edits(tree: ast.Module) -> Iterator[Edit]:
    """Fold ``y = <expr>`` into the one later statement that reads ``y``."""
    for f_index, function in enumerate(compute_functions(tree)):
        for s_index in range(len(function.body)):
            if _inline_target(function, s_index) is not None:
                yield _inline(f_index, s_index)


def _inline_target(function: ast.FunctionDef, index: int) -> ast.Name | None:
    """The single read of the name the statement assigns, if it can take the value's place."""
    statement = function.body[index]
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return None
    name = statement.targets[0].id
    later = function.body[index + 1 :]
    reads = [
        (position, n)
        for position, s in enumerate(later)
        for n in ast.walk(s)
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
    ]
    if len(reads) != 1:
        return None
    position, read = reads[0]
    rebound = loaded_names(statement.value) | {name}
    if any(bound_names(s) & rebound for s in later[:position]):
        return None
    user = later[position]
    if not isinstance(user, SIMPLE_STATEMENTS) or scoped_names(user):
        return None
    return read


def _inline(f_index: int, s_index: int) -> Edit:
    def edit(tree: ast.Module) -> bool:
        functions = compute_functions(tree)
        if f_index >= len(functions) or s_index >= len(functions[f_index].body):
            return False
        function = functions[f_index]
        read = _inline_target(function, s_index)
        if read is None:
            return False
        statement = function.body[s_index]
        assert isinstance(statement, ast.Assign)
        replace(parents_of(function), read, statement.value)
        del function.body[s_index]
        return True

    return edit
