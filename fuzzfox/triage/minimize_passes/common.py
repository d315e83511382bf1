"""What the passes share: the edit type, the minimizer's walk order over functions, and small
questions about names, ``self`` attributes and parent links."""

from __future__ import annotations

import ast
from collections.abc import Callable

from fuzzfox.program_ast import INIT_METHOD, bound_name, compute_functions, inputs_function, method, methods

# A reduction: changes a *copy* of the current tree in place and says whether it applied.
Edit = Callable[[ast.Module], bool]

SIMPLE_STATEMENTS = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return, ast.Assert, ast.Delete)
# Integer keyword arguments that are axes, not sizes: shrinking them changes meaning, not size.
AXIS_KEYWORDS = frozenset({"dim", "dims", "axis", "start_dim", "end_dim", "dim0", "dim1"})


def all_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    """Compute code, then ``__init__``, then ``make_inputs``."""
    extra = [method(tree, INIT_METHOD), inputs_function(tree)]
    return compute_functions(tree) + [f for f in extra if f is not None]


def parameter_names(function: ast.FunctionDef) -> list[str]:
    args = function.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return names


def input_parameters(function: ast.FunctionDef) -> list[str]:
    """Positional parameters that carry tensors (``self`` is not one)."""
    positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    return positional[1:] if positional[:1] == ["self"] else positional


def returned_inputs(inputs: ast.FunctionDef) -> list[ast.expr] | None:
    last = inputs.body[-1]
    if isinstance(last, ast.Return) and isinstance(last.value, (ast.Tuple, ast.List)):
        elements = last.value.elts
        return None if any(isinstance(e, ast.Starred) for e in elements) else elements
    return None


def parents_of(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}


def replace(parents: dict[ast.AST, ast.AST], old: ast.AST, new: ast.AST) -> None:
    parent = parents[old]
    for field, value in ast.iter_fields(parent):
        if value is old:
            setattr(parent, field, new)
        elif isinstance(value, list):
            value[:] = [new if item is old else item for item in value]


def is_self(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def self_attribute(node: ast.AST) -> str | None:
    return node.attr if isinstance(node, ast.Attribute) and is_self(node.value) else None


def self_reads(tree: ast.Module) -> set[str]:
    return {
        n.attr
        for function in methods(tree)
        for n in ast.walk(function)
        if self_attribute(n) and isinstance(n.ctx, ast.Load)  # type: ignore[attr-defined]
    }


def loaded_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def bound_names(node: ast.AST) -> set[str]:
    """Every name the node binds, nested scopes included (lenient on purpose)."""
    names: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            names.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names.update(bound_name(a) for a in n.names)
        elif isinstance(n, ast.arg):
            names.add(n.arg)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            names.add(n.name)
    return names


def scoped_names(node: ast.AST) -> set[str]:
    """Names bound inside a simple statement's own little scopes: lambdas, comprehensions, walrus."""
    names: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Lambda):
            names.update(bound_names(n.args))
        elif isinstance(n, (ast.comprehension, ast.NamedExpr)):
            names.update(bound_names(n.target))
    return names
