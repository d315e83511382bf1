"""Dead-code removal, applied after every edit: dropping the use of a value drops the value in
the same test."""

from __future__ import annotations

import ast

from fuzzfox.program_ast import (
    ENTRY_CLASS,
    ENTRY_FUNCTION,
    ENTRY_METHOD,
    INIT_METHOD,
    INPUTS_FUNCTION,
    bound_name,
    method,
    model_class,
)
from fuzzfox.triage.minimize_passes.common import (
    all_functions,
    is_self,
    loaded_names,
    parents_of,
    self_attribute,
    self_reads,
)

# nn.Module methods that reach layers without naming them: a class using them keeps its layers.
INTROSPECTION = frozenset(
    {"children", "modules", "parameters", "buffers", "apply", "state_dict", "__dict__"}
    | {"named_children", "named_modules", "named_parameters", "named_buffers"}
)


def remove_dead_code(tree: ast.Module) -> None:
    """Delete, until nothing changes, what no code reads: assignments, layers, helpers, imports.

    Only values without visible side effects go: no in-place call (``x.add_(...)``), no ``out=``.
    """
    while _remove_dead_once(tree):
        pass


def _remove_dead_once(tree: ast.Module) -> bool:
    changed = _drop_unused_imports(tree)
    changed |= _drop_unused_definitions(tree)
    changed |= _drop_unused_layers(tree)
    for function in all_functions(tree):
        changed |= _drop_dead_assignments(function)
    return changed


def _drop_unused_imports(tree: ast.Module) -> bool:
    used = loaded_names(tree)
    changed = False
    for statement in list(tree.body):
        if not isinstance(statement, (ast.Import, ast.ImportFrom)):
            continue
        kept = [a for a in statement.names if bound_name(a) in used]
        if len(kept) != len(statement.names):
            changed = True
            if kept:
                statement.names = kept
            else:
                tree.body.remove(statement)
    return changed


def _drop_unused_definitions(tree: ast.Module) -> bool:
    """Helper functions and methods nobody calls, module-level assignments nobody reads."""
    used = loaded_names(tree) | {
        n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load)
    }
    entry_points = {ENTRY_CLASS, ENTRY_FUNCTION, INPUTS_FUNCTION, ENTRY_METHOD, INIT_METHOD}
    changed = False
    model = model_class(tree)
    for body in (tree.body, model.body if model else []):
        for statement in list(body):
            if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
                dead = statement.name not in used and statement.name not in entry_points
            else:
                dead = _is_dead_assignment(statement, used)
            if dead and len(body) > 1:
                body.remove(statement)
                changed = True
    return changed


def _drop_unused_layers(tree: ast.Module) -> bool:
    """Layers nothing reads; then an ``__init__`` left with nothing but ``super().__init__()``."""
    init, model = method(tree, INIT_METHOD), model_class(tree)
    if init is None or model is None or _introspects(tree):
        return False
    read = self_reads(tree)
    kept = [
        s
        for s in init.body
        if not (
            isinstance(s, ast.Assign)
            and len(s.targets) == 1
            and self_attribute(s.targets[0]) not in read | {None}
            and _is_pure(s.value)
        )
    ]
    changed = len(kept) != len(init.body)
    init.body[:] = kept or [ast.Pass()]
    if all(_is_super_init(s) or isinstance(s, ast.Pass) for s in init.body):
        model.body.remove(init)
        changed = True
    return changed


def _is_super_init(statement: ast.stmt) -> bool:
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    func = statement.value.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "super"
    )


def _introspects(tree: ast.Module) -> bool:
    """Whether the model reaches its layers other than by name (``self.children()``, ``getattr``)."""
    model = model_class(tree)
    if model is None:
        return False
    parents = parents_of(model)
    for node in ast.walk(model):
        if is_self(node) and isinstance(node.ctx, ast.Load):  # type: ignore[attr-defined]
            parent = parents.get(node)
            if not isinstance(parent, ast.Attribute) or parent.attr in INTROSPECTION:
                return True
    return False


def _drop_dead_assignments(function: ast.FunctionDef) -> bool:
    used = loaded_names(function)
    changed = False
    for statement in list(function.body):
        if _is_dead_assignment(statement, used) and len(function.body) > 1:
            function.body.remove(statement)
            changed = True
    return changed


def _is_dead_assignment(statement: ast.stmt, used: set[str]) -> bool:
    if not isinstance(statement, ast.Assign) or not _is_pure(statement.value):
        return False
    targets: list[ast.expr] = []
    for target in statement.targets:
        targets.extend(target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target])
    return all(isinstance(t, ast.Name) and t.id not in used for t in targets)


def _is_pure(node: ast.AST) -> bool:
    for n in ast.walk(node):
        if isinstance(n, (ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await)):
            return False
        if isinstance(n, ast.Call):
            func = n.func
            if isinstance(func, ast.Attribute) and func.attr.endswith("_") and not func.attr.endswith("__"):
                return False
            if any(k.arg == "out" for k in n.keywords):
                return False
    return True
