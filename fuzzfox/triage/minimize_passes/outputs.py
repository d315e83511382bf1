"""Output reductions: the entry point's returned tuple, cut by delta debugging like a statement list.

A program that returns several values does so in one ``return (a, b, ...)`` statement, which
ddmin over statements cannot split: a campaign's bundle of OpInfo calls returns its 24 calls so,
and the expression pass replaced them one test at a time (a bundle kept 1816 of its 1817 tokens
in 49 tests, 145 s).  Cutting the tuple's elements drops, with dead-code removal, what computed
only them; the inputs nothing reads then go in one edit (:func:`~.inputs.input_edits`).
"""

from __future__ import annotations

import ast

from fuzzfox.program_ast import entry_function
from fuzzfox.triage.minimize_passes.common import Edit


def returned_values(tree: ast.Module) -> list[ast.expr] | None:
    """The elements of the tuple the entry point's last statement returns, if it returns one."""
    entry = entry_function(tree)
    if entry is None or not entry.body:
        return None
    last = entry.body[-1]
    if not isinstance(last, ast.Return) or not isinstance(last.value, ast.Tuple):
        return None
    return last.value.elts


def keep_outputs(kept: list[int]) -> Edit:
    """Keep only the returned values at ``kept`` (a tuple still, of one value if one is kept)."""

    def edit(tree: ast.Module) -> bool:
        values = returned_values(tree)
        if values is None or not kept:
            return False
        values[:] = [values[i] for i in kept]
        return True

    return edit
