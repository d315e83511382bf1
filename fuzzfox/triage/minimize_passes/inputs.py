"""Input reductions: inputs the entry point never reads go, with their values in ``make_inputs``."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from fuzzfox.program_ast import entry_function, inputs_function
from fuzzfox.triage.minimize_passes.common import Edit, input_parameters, loaded_names, returned_inputs


def input_edits(tree: ast.Module) -> Iterator[Edit]:
    """Drop the inputs the entry point never reads (all of them, then each), and their values in
    ``make_inputs``."""
    entry, inputs = entry_function(tree), inputs_function(tree)
    if entry is None or inputs is None or returned_inputs(inputs) is None:
        return
    read = loaded_names(entry)
    unread = [position for position, name in enumerate(input_parameters(entry)) if name not in read]
    if len(unread) > 1:  # all at once first: a bundle whose outputs were cut leaves dozens
        yield _drop_inputs(unread)
    for position in unread:
        yield _drop_inputs([position])


def _drop_inputs(positions: list[int]) -> Edit:
    def edit(tree: ast.Module) -> bool:
        entry, inputs = entry_function(tree), inputs_function(tree)
        returned = returned_inputs(inputs) if inputs else None
        if entry is None or returned is None or max(positions) >= len(returned):
            return False
        names = entry.args.posonlyargs + entry.args.args
        offset = 1 if names and names[0].arg == "self" else 0
        for position in sorted(positions, reverse=True):
            target = names[position + offset]
            for group in (entry.args.posonlyargs, entry.args.args):
                if target in group:
                    group.remove(target)
            del returned[position]
        return True

    return edit
