"""Input reductions: an input the entry point never reads goes, with its value in ``make_inputs``."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from fuzzfox.program_ast import entry_function, inputs_function
from fuzzfox.triage.minimize_passes.common import Edit, input_parameters, loaded_names, returned_inputs


def input_edits(tree: ast.Module) -> Iterator[Edit]:
    """Drop an input the entry point never reads, and its value in ``make_inputs``."""
    entry, inputs = entry_function(tree), inputs_function(tree)
    if entry is None or inputs is None or returned_inputs(inputs) is None:
        return
    read = loaded_names(entry)
    for position, name in enumerate(input_parameters(entry)):
        if name not in read:
            yield _drop_input(position)


def _drop_input(position: int) -> Edit:
    def edit(tree: ast.Module) -> bool:
        entry, inputs = entry_function(tree), inputs_function(tree)
        returned = returned_inputs(inputs) if inputs else None
        if entry is None or returned is None or position >= len(returned):
            return False
        names = entry.args.posonlyargs + entry.args.args
        offset = 1 if names and names[0].arg == "self" else 0
        target = names[position + offset]
        for group in (entry.args.posonlyargs, entry.args.args):
            if target in group:
                group.remove(target)
        del returned[position]
        return True

    return edit
