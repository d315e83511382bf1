"""A program's shape: a hash of its normalized AST, so pools do not fill with re-spellings.

Two programs have the same shape when they differ only in formatting, comments, the header,
docstrings, or the names of their own variables, arguments and attributes.  Literals and the
framework calls they make still count: a new tensor size or another op is another program.
"""

from __future__ import annotations

import ast
import builtins
import hashlib

from fuzzfox.program_ast import (
    ENTRY_CLASS,
    ENTRY_FUNCTION,
    ENTRY_METHOD,
    INIT_METHOD,
    INPUTS_FUNCTION,
    bound_name,
)

# Names a program imports or uses from outside: renaming these would change what it does.
_KEEP = frozenset(dir(builtins)) | {"torch", "nn", "F", "np", "math", "jax", "jnp", "lax", "tf", "self"}
_ENTRY_POINTS = frozenset({ENTRY_CLASS, ENTRY_FUNCTION, INPUTS_FUNCTION, ENTRY_METHOD, INIT_METHOD})


class _Renamer(ast.NodeTransformer):
    """Rename a program's own identifiers to v0, v1, ... in order of first appearance."""

    def __init__(self, imported: set[str]) -> None:
        self.keep = _KEEP | _ENTRY_POINTS | imported
        self.names: dict[str, str] = {}

    def _new(self, name: str) -> str:
        if name in self.keep:
            return name
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_Name(self, node: ast.Name) -> ast.AST:
        node.id = self._new(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        node.arg = self._new(node.arg)
        node.annotation = None
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.value, ast.Name) and node.value.id == "self":
            node.attr = self._new(node.attr)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.name = self._new(node.name)
        node.returns = None
        node.body = _without_docstring(node.body)
        self.generic_visit(node)
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.name = self._new(node.name)
        node.body = _without_docstring(node.body)
        self.generic_visit(node)
        return node


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and len(body) > 1:
        return body[1:]
    return body


def _imported_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(bound_name(alias) for alias in node.names)
    return names


def program_shape(source: str) -> str:
    """The normalized-AST hash of a program (a SyntaxError for text that is not Python)."""
    tree = ast.parse(source)
    tree.body = _without_docstring(tree.body)
    normalized = _Renamer(_imported_names(tree)).visit(tree)
    return hashlib.sha256(ast.dump(normalized, include_attributes=False).encode()).hexdigest()[:20]
