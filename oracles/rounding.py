"""Is a compiled result's error within what rounding alone does to this computation?

``compiled rmse > 3 x eager rmse`` against the float64 referee (the rule of
``torch._dynamo.utils.same``) assumes eager's error is what a float32 computation of the program
costs.  On an ill-conditioned program it is not: eager runs op for op what the referee runs, so
many of its roundings are exact or cancel, while another algorithm, as valid, rounds elsewhere
and is amplified (a softmax saturated by a scale of 1000, whose attention rewrite scales q and
k before the matmul: eager rmse 7e-7, compiled 2e-5, both float32 roundings).

Monte Carlo arithmetic (Parker, 1997; Verificarlo) measures what rounding can do: the float64
referee runs again with the result of every op that rounds perturbed by a random relative error
of at most the computation dtype's unit roundoff, the textbook model of one rounding.  The rmse
of those runs against the referee is the error a float32 (or float16, bfloat16) algorithm
carries; a compiled result within 3 times it (as ``same`` allows compiled 3 times eager's
error) is no evidence of a bug (``ill_conditioned``, dropped).
On a well-conditioned program the spread is about the unit roundoff, so a real miscompile
(an error of 1e-3) stays far outside it.

This module is the framework-neutral part: the spread of noisy runs and the decision.  How an
op's result is perturbed is each framework's (``oracles/torch/rounding_noise.py``: a dispatch
mode over aten ops; ``oracles/jax/rounding_noise.py``: an interpreter over the jaxpr).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

import numpy as np

from oracles import instability
from oracles.compare import Leaf
from oracles.judge import Run, judged_leaf
from oracles.verdict import Outcome, Verdict

RUNS = 3
# A compiled result within this many times the spread is within rounding: the spread is the
# typical error of one rounding per op, and an algorithm as valid may round more often (SDPA
# scales q and k each, where eager scales their product once); 3 is the multiplier the
# ``same`` rule gives compiled over eager.
SPREAD_MULTIPLIER = 3.0
# Rounding that moves a result by a tenth of its own size leaves no significant digit, and no
# comparison of it at float tolerances means anything (batch statistics of rows that are equal
# in exact arithmetic: the float64 gradient's rms is 3e-13, one rounding per op moves it by 250).
NO_DIGIT_FRACTION = 0.1
UNIT_ROUNDOFF = {"float64": 2.0**-53, "float32": 2.0**-24, "float16": 2.0**-11, "bfloat16": 2.0**-8}


def unit_roundoff(*dtypes: str | None) -> float:
    """The largest unit roundoff among the float dtypes named (float32 if none is)."""
    known = [UNIT_ROUNDOFF[d] for d in dtypes if d in UNIT_ROUNDOFF]
    return max(known) if known else UNIT_ROUNDOFF["float32"]


Noise = Callable[[float, int], AbstractContextManager[object]]  # (unit roundoff, seed) -> a context


def rounding_spread(
    evaluate: Callable[[], np.ndarray | None],
    reference: np.ndarray,
    unit: float,
    noise: Noise,
    runs: int = RUNS,
) -> float | None:
    """The mean rmse against ``reference`` of ``runs`` evaluations under the framework's ``noise``
    (None if one fails or changes shape: then there is no estimate).  Positions where the
    reference is NaN or infinite do not count; a run that turns a finite one into NaN or
    infinity has an infinite error (rounding alone takes the result out of range there)."""
    errors = []
    for seed in range(runs):
        try:
            with noise(unit, seed):
                values = evaluate()
        except Exception:
            return None
        if values is None or np.shape(values) != np.shape(reference):
            return None
        expected = np.asarray(reference, dtype=np.float64)
        got = np.asarray(values, dtype=np.float64)[np.isfinite(expected)]
        if not np.isfinite(got).all():
            errors.append(math.inf)
            continue
        errors.append(finite_rmse(values, reference))
    spread = float(np.mean(errors))
    return None if math.isnan(spread) else spread


def recheck_traced_rounding(
    verdict: Verdict,
    eager: Run,
    fp64: Run,
    compiled: Sequence[Run],
    draws: tuple[str, ...],
    traced: Callable[[], list[Leaf]],
    noise: Noise,
) -> Verdict:
    """Drop a compiled value whose error is within what rounding does to this computation, on
    the inputs (recorded or drawn) the verdict was judged on; ``traced`` re-evaluates the program
    on them through a trace of it (a jaxpr, a TF graph) and gives its leaves.

    A float64 program has a referee equal to eager, and a verdict without an rmse against it
    (compare widens its tolerance instead): its compiled rmse is measured here, where both are
    finite; a compiled non-finite value where the referee is finite is never rounding.  The
    trace is trusted only where, without noise, it gives the referee's values: it follows the
    compiler's path through the program's Python (a traced shift, a traced index), and where
    that differs from eager its spread measures another computation, perhaps the very bug being
    judged (then the verdict stands)."""

    def leaf(run: Run) -> Leaf | None:
        return judged_leaf(run, verdict, draws)

    wrong = next((run for run in compiled if run.mode.mode == verdict.backend), None)
    reference, computed, actual = leaf(fp64), leaf(eager), leaf(wrong) if wrong else None
    if reference is None or reference.values is None or computed is None or actual is None:
        return verdict
    if actual.values is None or np.shape(actual.values) != np.shape(reference.values):
        return verdict
    if not np.isfinite(actual.values[np.isfinite(reference.values)]).all():
        return verdict
    if verdict.rmse_compiled_vs_fp64 is None:
        verdict.rmse_compiled_vs_fp64 = finite_rmse(actual.values, reference.values)
        verdict.rmse_eager_vs_fp64 = finite_rmse(computed.values, reference.values)

    def noisy() -> np.ndarray | None:
        found = [x for x in traced() if x.path == verdict.leaf]
        return found[0].values if found else None

    try:
        plain = noisy()
    except Exception:
        return verdict
    if plain is None or not np.allclose(plain, reference.values, rtol=1e-12, atol=0.0, equal_nan=True):
        return verdict
    spread = rounding_spread(noisy, reference.values, unit_roundoff(computed.dtype), noise)
    return drop_within_rounding(verdict, spread, reference.values)


def finite_rmse(values: np.ndarray, reference: np.ndarray) -> float:
    """The rmse of ``values`` against ``reference`` where the reference is finite (0 if nowhere)."""
    expected = np.asarray(reference, dtype=np.float64)
    finite = np.isfinite(expected)
    with np.errstate(all="ignore"):
        difference = np.asarray(values, dtype=np.float64)[finite] - expected[finite]
    return float(np.sqrt(np.mean(np.abs(difference) ** 2))) if difference.size else 0.0


def drop_within_rounding(verdict: Verdict, spread: float | None, reference: np.ndarray) -> Verdict:
    """``verdict`` dropped as ``ill_conditioned`` when its compiled rmse is within
    ``SPREAD_MULTIPLIER`` times ``spread``, or when ``spread`` is at least ``NO_DIGIT_FRACTION``
    of the reference's own rms (no digit of the result survives rounding)."""
    rmse = verdict.rmse_compiled_vs_fp64
    if rmse is None or spread is None:
        return verdict
    values = np.abs(np.asarray(reference, dtype=np.float64))
    finite = values[np.isfinite(values)]
    scale = float(np.sqrt(np.mean(finite**2))) if finite.size else 0.0
    if math.isinf(spread):
        why = "rounding noise turns finite values of the fp64 reference into inf or NaN"
    elif rmse <= SPREAD_MULTIPLIER * spread:
        why = f"the fp64 reference under rounding noise moves by rmse {spread:.3g}"
    elif spread >= NO_DIGIT_FRACTION * scale:
        why = f"rounding noise moves the fp64 reference by rmse {spread:.3g}; its own rms is {scale:.3g}"
    else:
        return verdict
    verdict.outcome = Outcome.DROPPED
    verdict.drop_rule = instability.ILL_CONDITIONED
    verdict.summary += f" (within rounding: {why})"
    return verdict
