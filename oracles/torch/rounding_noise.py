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

Ops that are exact in any precision (data movement, views, selection, comparisons, max/min,
sign flips, copies) are left unperturbed; so are in-place ops (their result is their input).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from oracles import instability
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
EXACT_OPS = frozenset(
    {
        "_to_copy", "abs", "alias", "amax", "amin", "cat", "ceil", "clamp", "clamp_max", "clamp_min",
        "clone", "constant_pad_nd", "copy", "detach", "empty_like", "expand", "fill", "flip", "floor",
        "full_like", "gather", "index", "index_put", "index_select", "lift_fresh", "masked_fill",
        "max", "max_pool2d_with_indices", "maximum", "min", "minimum", "neg", "new_empty",
        "new_full", "new_ones", "new_zeros", "ones_like", "relu", "repeat", "roll", "round",
        "scatter", "select", "sign", "slice", "sort", "stack", "threshold_backward", "topk",
        "trunc", "where", "zeros_like",
    }
)  # fmt: skip


def unit_roundoff(*dtypes: str | None) -> float:
    """The largest unit roundoff among the float dtypes named (float32 if none is)."""
    known = [UNIT_ROUNDOFF[d] for d in dtypes if d in UNIT_ROUNDOFF]
    return max(known) if known else UNIT_ROUNDOFF["float32"]


@contextlib.contextmanager
def rounding_noise(unit: float, seed: int) -> Iterator[None]:
    """Every float64 op result computed inside is multiplied by ``1 + unit * r``, ``r`` uniform
    in [-1, 1] (drawn from ``seed``, not from torch's global generator)."""
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode
    from torch.utils._pytree import tree_map

    generator = torch.Generator().manual_seed(seed)

    def rounds(func: Any) -> bool:
        schema = func._schema
        if schema.is_mutable or any(r.alias_info is not None for r in schema.returns):
            return False
        return func.overloadpacket.__name__.rstrip("_") not in EXACT_OPS

    class Noise(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
            result = func(*args, **(kwargs or {}))
            if not rounds(func):
                return result

            def perturb(value: Any) -> Any:
                if isinstance(value, torch.Tensor) and value.dtype == torch.float64 and value.numel():
                    noise = torch.rand(value.shape, generator=generator, dtype=torch.float64)
                    return value * (1.0 + unit * (2.0 * noise - 1.0))
                return value

            return tree_map(perturb, result)

    with Noise():
        yield


def rounding_spread(
    evaluate: Callable[[], np.ndarray | None], reference: np.ndarray, unit: float, runs: int = RUNS
) -> float | None:
    """The mean rmse against ``reference`` of ``runs`` noisy evaluations (None if one fails or
    changes shape: then there is no estimate)."""
    errors = []
    for seed in range(runs):
        try:
            with rounding_noise(unit, seed):
                values = evaluate()
        except Exception:
            return None
        if values is None or np.shape(values) != np.shape(reference):
            return None
        with np.errstate(all="ignore"):
            difference = np.asarray(values, dtype=np.float64) - np.asarray(reference, dtype=np.float64)
            errors.append(float(np.sqrt(np.mean(np.abs(difference) ** 2))))
    spread = float(np.mean(errors))
    return spread if np.isfinite(spread) else None


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
    if rmse <= SPREAD_MULTIPLIER * spread:
        why = f"the fp64 reference under rounding noise moves by rmse {spread:.3g}"
    elif spread >= NO_DIGIT_FRACTION * scale:
        why = f"rounding noise moves the fp64 reference by rmse {spread:.3g}; its own rms is {scale:.3g}"
    else:
        return verdict
    verdict.outcome = Outcome.DROPPED
    verdict.drop_rule = instability.ILL_CONDITIONED
    verdict.summary += f" (within rounding: {why})"
    return verdict
