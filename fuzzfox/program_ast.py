"""The parts of a test program's syntax tree, found the same way by every module that reads one.

A program (:mod:`fuzzfox.program` has the format) defines, at the top level of its module, either
a class ``Model`` with ``forward`` (and maybe ``__init__``) or a function ``fn``, and a function
``make_inputs``.  The parser, the mutators, the answer cleaner, the minimizer and the bug
signature all look these up, and read calls through the program's imports (``F.relu`` is
``torch.nn.functional.relu``); the helpers here are the one place that knows how.

Two lookups coexist on purpose.  :func:`named` maps names to definitions with the *later* of two
same-named ones winning, which is what Python binds when the module runs: the parser and the
run-time checks use it.  The ``*_function``/:func:`model_class` helpers take the *first* one
written, which is what the mutators and the minimizer have always edited.  For a program without
duplicate definitions (every program the campaign keeps) the two agree.

Nothing here imports a framework.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from typing import TypeVar

ENTRY_CLASS = "Model"
ENTRY_FUNCTION = "fn"
INPUTS_FUNCTION = "make_inputs"
ENTRY_METHOD = "forward"
INIT_METHOD = "__init__"

Definition = TypeVar("Definition", ast.ClassDef, ast.FunctionDef)


# ------------------------------------------------------------------------------ definitions


def named(body: Iterable[ast.stmt], kind: type[Definition]) -> dict[str, Definition]:
    """The definitions of one kind in a module or class body by name; of two with the same name
    the later wins, as it does when the body runs."""
    return {node.name: node for node in body if isinstance(node, kind)}


def top_functions(tree: ast.Module) -> list[ast.FunctionDef]:
    """The module's top-level functions, in source order."""
    return [node for node in tree.body if isinstance(node, ast.FunctionDef)]


def model_class(tree: ast.Module) -> ast.ClassDef | None:
    """The first top-level ``class Model``."""
    return next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == ENTRY_CLASS), None)


def methods(tree: ast.Module) -> list[ast.FunctionDef]:
    """The methods of :func:`model_class`, in source order (none without a model)."""
    model = model_class(tree)
    return [node for node in model.body if isinstance(node, ast.FunctionDef)] if model else []


def method(tree: ast.Module, name: str) -> ast.FunctionDef | None:
    """The model's first method called ``name``."""
    return next((m for m in methods(tree) if m.name == name), None)


def inputs_function(tree: ast.Module) -> ast.FunctionDef | None:
    """The first top-level ``make_inputs``."""
    return next((f for f in top_functions(tree) if f.name == INPUTS_FUNCTION), None)


def entry_function(tree: ast.Module) -> ast.FunctionDef | None:
    """What the program runs: the model's ``forward`` if there is a model, else ``fn``."""
    if model_class(tree) is not None:
        return method(tree, ENTRY_METHOD)
    return next((f for f in top_functions(tree) if f.name == ENTRY_FUNCTION), None)


def compute_functions(tree: ast.Module, *, entry_first: bool = True) -> list[ast.FunctionDef]:
    """The code that is compiled: the model's methods but ``__init__``, then the top-level functions
    but ``make_inputs``; in source order, or with :func:`entry_function` moved to the front."""
    functions = [m for m in methods(tree) if m.name != INIT_METHOD]
    functions += [f for f in top_functions(tree) if f.name != INPUTS_FUNCTION]
    entry = entry_function(tree) if entry_first else None
    return ([entry] if entry else []) + [f for f in functions if f is not entry]


def required_parameters(function: ast.FunctionDef, *, skip_self: bool) -> list[str]:
    """The parameters a call must pass: positional ones without a default (``self`` skipped if
    asked: the first one, whatever its name), then keyword-only ones without a default."""
    args = function.args
    positional = [*args.posonlyargs, *args.args][1 if skip_self else 0 :]
    required = positional[: len(positional) - len(args.defaults)]
    required += [a for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None]
    return [a.arg for a in required]


# ------------------------------------------------------------------------------ imports and calls


def bound_name(alias: ast.alias) -> str:
    """The name an import binds: ``import torch.nn`` binds ``torch``, ``import numpy as np`` ``np``."""
    return alias.asname or alias.name.split(".")[0]


def import_aliases(tree: ast.Module) -> dict[str, str]:
    """Local names bound by the program's imports (anywhere in it) -> the dotted path they stand
    for; relative imports are left out."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[bound_name(alias)] = alias.name if alias.asname else bound_name(alias)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def dotted_name(node: ast.AST, aliases: Mapping[str, str] | None = None) -> str | None:
    """The dotted path a ``Name``/``Attribute`` chain spells, None for anything else.

    Without ``aliases`` the path as written (``F.relu``); with them, its root resolved through the
    imports (``torch.nn.functional.relu``), and None when the root is not an imported name.
    """
    if isinstance(node, ast.Name):
        return node.id if aliases is None else aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


def call_name(node: ast.AST | None) -> str | None:
    """The plain name a call is made by, module or receiver left out: ``F.relu(x)`` and
    ``x.relu()`` are both ``"relu"``; None for something that is not a call by name."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
