"""The static sanity check every candidate passes before it costs a run: :func:`well_formed`
rejects programs that could only fail for a boring reason (a name no longer defined, a layer no
longer built, inputs that no longer match the parameters)."""

from __future__ import annotations

import ast
import builtins

from fuzzfox.program_ast import entry_function, inputs_function, methods, model_class, top_functions
from fuzzfox.triage.minimize_passes.common import (
    SIMPLE_STATEMENTS,
    bound_names,
    input_parameters,
    loaded_names,
    parameter_names,
    returned_inputs,
    scoped_names,
    self_attribute,
    self_reads,
)

BUILTIN_NAMES = frozenset(dir(builtins))


def well_formed(tree: ast.Module, layers: frozenset[str]) -> bool:
    """No name read before it is bound, no layer of ``layers`` read but not built, inputs that fit.

    ``layers`` are the ``self`` attributes the original program assigned: reading one that is gone
    is an AttributeError, not the bug.
    """
    outer = _module_names(tree) | BUILTIN_NAMES
    if any(_outer_loads(s) - outer - scoped_names(s) for s in tree.body):
        return False
    functions = [*top_functions(tree), *methods(tree)]
    if not all(_binds_before_use(function, outer) for function in functions):
        return False
    if self_reads(tree) & (layers - _self_writes(tree)):
        return False
    returning = [entry_function(tree), inputs_function(tree)]
    return all(f is not None and _returns_value(f) for f in returning) and _inputs_fit(tree)


def _returns_value(function: ast.FunctionDef) -> bool:
    return any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(function))


def _outer_loads(node: ast.AST) -> set[str]:
    """Names read when the statement itself runs (a function body runs later: it is not read)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        parts = [*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d)]
        return set().union(*(loaded_names(part) for part in parts))
    if isinstance(node, ast.Lambda):
        return set()
    if isinstance(node, ast.ClassDef):
        parts = [*node.bases, *(k.value for k in node.keywords), *node.decorator_list]
        inner = set().union(*(_outer_loads(s) for s in node.body))
        bound = set().union(*(bound_names(s) for s in node.body if not isinstance(s, ast.FunctionDef)))
        return set().union(*(loaded_names(part) for part in parts)) | (inner - bound)
    names = {node.id} if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) else set()
    for child in ast.iter_child_nodes(node):
        names |= _outer_loads(child)
    return names


def _binds_before_use(function: ast.FunctionDef, outer: set[str]) -> bool:
    """Straight-line check of the function's top level; compound statements are judged leniently."""
    known = outer | set(parameter_names(function))
    for statement in function.body:
        needed = loaded_names(statement)
        if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            needed.add(statement.target.id)
        simple = isinstance(statement, SIMPLE_STATEMENTS)
        own = scoped_names(statement) if simple else bound_names(statement)
        if needed - known - own:
            return False
        known |= bound_names(statement)
    return True


def _self_writes(tree: ast.Module) -> set[str]:
    writes = {
        n.attr
        for function in methods(tree)
        for n in ast.walk(function)
        if self_attribute(n) and not isinstance(n.ctx, ast.Load)  # type: ignore[attr-defined]
    }
    model = model_class(tree)
    if model is not None:
        writes |= {name for s in model.body if not isinstance(s, ast.FunctionDef) for name in bound_names(s)}
    return writes


def layer_names(tree: ast.Module) -> frozenset[str]:
    return frozenset(_self_writes(tree))


def _inputs_fit(tree: ast.Module) -> bool:
    """``make_inputs`` returns as many values as the entry point takes (when both are literal)."""
    entry, inputs = entry_function(tree), inputs_function(tree)
    returned = returned_inputs(inputs) if inputs else None
    if entry is None or returned is None or entry.args.vararg is not None:
        return True
    count = len(input_parameters(entry))
    required = count - len(entry.args.defaults)
    return required <= len(returned) <= count


def _module_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
        else:
            names |= bound_names(statement)
    return names
