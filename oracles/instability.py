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
GRAD_NONFINITE = "grad_nonfinite"
GRAD_SINGULAR_INTERMEDIATE = "grad_singular_intermediate"
GRAD_PRECISION = "grad_precision"
GRAD_CONTRACT = "grad_contract"
GRAD_NONDIFFERENTIABLE = "grad_nondifferentiable"
GRAD_MODE_NOT_IMPLEMENTED = "grad_mode_not_implemented"
GRAD_NO_FP64_REFERENCE = "grad_no_fp64_reference"
ILL_CONDITIONED = "ill_conditioned"
BOTH_OVERFLOW = "both_overflow"
LOW_PRECISION_INTEGERS = "low_precision_integers"
INTEGERS_AS_CLOSE_AS_EAGER = "integers_as_close_as_eager"

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
    GRAD_NONFINITE: "both gradients compared are NaN/Inf: the derivative is undefined at the point",
    GRAD_SINGULAR_INTERMEDIATE: "one autodiff mode is NaN/Inf where another or the central difference "
    "is finite, and an intermediate sits where its op's derivative is infinite or undefined (sqrt of 0, "
    "a division by 0) or is NaN/Inf (a where's untaken branch): the chain rule meets 0 x infinity there",
    GRAD_CONTRACT: "autodiff disagrees with the central difference where an op's operand breaks the "
    "precondition its gradient is documented for (cross-entropy labels that are no distribution, a "
    "Cholesky input that is not symmetric): the rule is right for its contract",
    GRAD_PRECISION: "the program casts below its inputs' precision, so float64 finite differences "
    "are not a fair reference",
    GRAD_NONDIFFERENTIABLE: "the value or its numeric derivative jumps between random points within "
    "a small radius, or autodiff disagrees only at x and agrees at random points a small radius "
    "away: a kink, step, domain edge, tie or bound, where modes may legitimately differ",
    GRAD_MODE_NOT_IMPLEMENTED: "the framework says (NotImplementedError) that it lacks this "
    "differentiation mode for an op: a missing feature, not a wrong gradient",
    GRAD_NO_FP64_REFERENCE: "the program does not run in float64, so there is no finite-difference "
    "reference for its gradients",
    BOTH_OVERFLOW: "eager and compiled are both NaN/Inf where the fp64 reference is finite (NaN in "
    "one, Inf in the other): the program overflows its dtype there, and neither is further from the truth",
    LOW_PRECISION_INTEGERS: "integer outputs of a program that computes in float16/bfloat16 (quantized "
    "outputs, casts) differ by no more than rounding the float values to that precision twice can "
    "move them (at least one: a tie may round either way)",
    INTEGERS_AS_CLOSE_AS_EAGER: "integer outputs (quantized, cast) where eager misses the float64 "
    "referee's integers and compiled misses them no worse: by at most eager's largest miss, on "
    "average by at most twice eager's miss plus a single tie; the float values were rounded in "
    "another order, so ties fall either way",
    ILL_CONDITIONED: "the compiled error is within what rounding alone does to this computation: the "
    "float64 reference, rerun with every op's result perturbed at the dtype's unit roundoff (Monte "
    "Carlo arithmetic), moves at least a third as far, or by a tenth of the result's own size",
}

_OUT_OF_MEMORY = re.compile(r"can't allocate memory|out of memory|Cannot allocate memory", re.IGNORECASE)


def is_out_of_memory(error: ExceptionInfo | None) -> bool:
    if error is None:
        return False
    return error.type == "MemoryError" or bool(_OUT_OF_MEMORY.search(error.message))


# The gradient oracle's rule for a function that is undefined where it is differentiated.
GRAD_NONFINITE_LOSS = "grad_nonfinite_loss"
RULES[GRAD_NONFINITE_LOSS] = (
    "the function differentiated (L, or <grad L, u> for second order) is NaN/Inf at the point or at "
    "the central difference's points x +- h v, and a mode or the central difference is NaN/Inf: the "
    "derivative is undefined there (a domain edge, NaN data, cholesky of a non-positive-definite matrix)"
)
