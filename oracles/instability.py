"""The numerical-instability filter: the named rules that turn a mismatch into ``dropped``.

A dropped verdict keeps its evidence and names its rule, so the false-negative side can be
audited (``fuzzfox`` tables show the rule; the store keeps the whole verdict).
"""

from __future__ import annotations

import re

from oracles.verdict import ExceptionInfo

NONDETERMINISTIC = "nondeterministic"
NONFINITE_REFERENCE = "nonfinite_reference"
NONFINITE_EAGER_ONLY = "nonfinite_eager_only"
PRECISION_CAST = "precision_cast"
EAGER_OUT_OF_MEMORY = "eager_out_of_memory"

RULES: dict[str, str] = {
    NONDETERMINISTIC: "eager disagrees with itself across re-runs, so no comparison is fair",
    NONFINITE_REFERENCE: "the fp64 reference is NaN/Inf wherever the results differ: the "
    "computation is undefined there",
    NONFINITE_EAGER_ONLY: "eager has NaN/Inf where compiled does not, and no fp64 reference "
    "says which is right",
    PRECISION_CAST: "the mismatch disappears when Inductor keeps fp16/bf16 round trips "
    "(emulate_precision_casts): fusion eliding a cast is a known non-bug",
    EAGER_OUT_OF_MEMORY: "eager ran out of memory and compiled did not: compiled code may "
    "legitimately never materialize a tensor eager allocates",
}

_OUT_OF_MEMORY = re.compile(r"can't allocate memory|out of memory|Cannot allocate memory", re.IGNORECASE)


def is_out_of_memory(error: ExceptionInfo | None) -> bool:
    if error is None:
        return False
    return error.type == "MemoryError" or bool(_OUT_OF_MEMORY.search(error.message))
