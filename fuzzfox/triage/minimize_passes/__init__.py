"""The reductions the minimizer tries on a program's AST, one module per kind, and their order.

A reduction is an :data:`~fuzzfox.triage.minimize_passes.common.Edit`: a function that changes a
*copy* of the current tree in place and says whether it applied.  Edits find their site again by
position in a deterministic walk, so the same tree always yields the same edits in the same order.
Each ``*_edits`` generator lists the edits of one kind for a tree, most promising first; the
driver (:mod:`fuzzfox.triage.minimize`) decides which to try.

- :mod:`.settings`: the header's compile settings, bisected first.
- :mod:`.outputs`: the values the entry point returns in a tuple, which delta debugging cuts
  like a statement list.
- :mod:`.statements`: the statement lists delta debugging cuts; dropping a layer, unwrapping a
  loop or ``if``, inlining a variable used once.
- :mod:`.expressions`: a sub-expression replaced by an operand or a name, an argument dropped.
- :mod:`.inputs`: an input nothing reads dropped.
- :mod:`.constants`: sizes shrunk, floats simplified.
- :mod:`.cleanup`: dead-code removal, applied after every edit, so dropping the use of a value
  drops the value in the same test.
- :mod:`.check`: :func:`~.check.well_formed`, which rejects candidates that could only fail for a
  boring reason before they cost a run.

Nothing here imports a framework.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from fuzzfox.triage.minimize_passes import constants, expressions, inputs, statements
from fuzzfox.triage.minimize_passes.common import Edit

# A round is delta debugging over every list of statements.bodies, then one sweep of each of these,
# in this order: the cuts that remove most code first, the number simplifications last.
GREEDY_PASSES: tuple[Callable[[ast.Module], Iterator[Edit]], ...] = (
    statements.layer_edits,
    statements.unwrap_edits,
    expressions.expression_edits,
    inputs.input_edits,
    expressions.argument_edits,
    statements.inline_edits,
    constants.int_edits,
    constants.float_edits,
)
