"""Framework-neutral comparison rules: output leaves as numpy arrays, judged against eager and fp64.

The rule for floating values follows ``torch._dynamo.utils.same``, which PyTorch's own accuracy
checks (and its maintainers, when triaging fuzzer reports) use:

1. Agreement within ``torch.testing.assert_close``'s default tolerances for the dtype passes.
2. Otherwise an fp64 eager run is the referee: the compiled result is wrong only if
   ``rmse(fp64, compiled) > multiplier * rmse(fp64, eager) + floor``, i.e. compiled is clearly
   further from the truth than eager is.  ``multiplier`` is 2.0 for fp32 and 3.0 for fp16/bf16 or
   tensors under 1000 elements (where noise dominates rmse), exactly as in ``same``.  ``same``
   uses an absolute floor ``tol / 10``; ours is the scale-aware ``(atol + rtol * rms(fp64)) / 10``
   with the dtype's tolerances, so large-magnitude outputs whose eager result is exact by luck do
   not raise alarms over a last-bit reassociation.
3. Without an fp64 reference (the program cannot run in float64), or with a degenerate one (equal
   to eager bit for bit wherever compared, e.g. a float64 program, whose referee computes exactly
   what eager computed, so says nothing about eager's own rounding), the tolerances are widened
   ``NO_REFERENCE_WIDENING`` times, and a mismatch beyond that is still reported.

Precision: a program that casts to a lower precision inside (``x.half()``, ``.to(torch.bfloat16)``)
computes with that precision's rounding error whatever dtype its outputs have; the caller passes
the lowest precision the eager run cast to (``precision``), and the tolerances and multiplier are
those of the coarser of it and the leaf's own dtype.

Non-finite values: positions where the fp64 reference is NaN/Inf are undefined and excluded
(if every position is, the mismatch is dropped); NaN/Inf only in compiled is a bug; NaN/Inf only
in eager where fp64 is finite means eager overflowed and compiled did better, so it is excluded.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from oracles import instability
from oracles.verdict import Symptom

# torch.testing.assert_close defaults: (rtol, atol).
FLOAT_TOLERANCES: dict[str, tuple[float, float]] = {
    "float16": (1e-3, 1e-5),
    "bfloat16": (1.6e-2, 1e-5),
    "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7),
    "complex32": (1e-3, 1e-5),
    "complex64": (1.3e-6, 1e-5),
    "complex128": (1e-7, 1e-7),
    "python_float": (1.3e-6, 1e-5),  # Python floats out of a model almost always come from fp32
}
UNKNOWN_FLOAT_TOLERANCE = (1.6e-2, 1e-5)  # float8 and friends: no finer than bf16
# Unit roundoff of the low precisions an integer leaf may be computed through (see _rounding_slack).
LOW_PRECISION_ROUNDOFF = {"float16": 2.0**-11, "bfloat16": 2.0**-8}
LOW_PRECISION_ROUNDINGS = 2
LOW_PRECISION = frozenset({"float16", "bfloat16", "complex32"})
NO_REFERENCE_WIDENING = 10.0
SMALL_TENSOR_NUMEL = 1000


@dataclasses.dataclass
class Leaf:
    """One observable value of a run: an output (``out[0]``) or an input after the run."""

    path: str
    dtype: str  # framework dtype name ("float32", "int64", "bool", ...); "" for non-tensors
    shape: tuple[int, ...]
    values: np.ndarray | None  # float64/complex128/int64/bool array; None for non-array leaves
    text: str = ""  # repr, for leaves that are not arrays

    @property
    def is_float(self) -> bool:
        return self.dtype.startswith(("float", "bfloat", "complex", "python_float"))


MAX_TEXT = 200  # characters of a non-array leaf's repr that are compared and shown


def flatten(value: Any, path: str, array_leaf: Callable[[Any, str], Leaf | None]) -> list[Leaf]:
    """A run's outputs (nested tuples/lists/dicts of arrays and scalars) as comparable leaves.

    The walk is the same for every framework; ``array_leaf`` is the framework's part: the leaf
    of one of its own values (a tensor, an array, a value it treats as one), or None for a
    value it does not own. Python scalars it leaves alone keep their Python type as dtype;
    anything else is compared by its (bounded) repr.
    """
    leaf = array_leaf(value, path)
    if leaf is not None:
        return [leaf]
    if isinstance(value, bool | int | float):
        dtype = {bool: "bool", int: "int64", float: "python_float"}[type(value)]
        return [Leaf(path, dtype, (), np.asarray(value))]
    if isinstance(value, list | tuple):
        return [leaf for i, item in enumerate(value) for leaf in flatten(item, f"{path}[{i}]", array_leaf)]
    if isinstance(value, dict):
        return [
            leaf
            for key in sorted(value, key=repr)
            for leaf in flatten(value[key], f"{path}[{key!r}]", array_leaf)
        ]
    return [text_leaf(value, path)]


def text_leaf(value: Any, path: str) -> Leaf:
    return Leaf(path, "", (), None, text=repr(value)[:MAX_TEXT])


@dataclasses.dataclass
class Mismatch:
    symptom: Symptom
    path: str
    detail: str
    drop_rule: str | None = None  # set when the instability filter explains it away
    max_abs_err: float | None = None
    max_rel_err: float | None = None
    rmse_compiled: float | None = None
    rmse_eager: float | None = None


def compare_runs(
    eager: list[Leaf], compiled: list[Leaf], fp64: list[Leaf] | None, precision: str | None = None
) -> Mismatch | None:
    """First mismatch between eager and compiled leaves (bugs before drops), or None.

    ``precision``: the lowest float precision the program computed in (a cast inside it), if any."""
    eager_paths = [leaf.path for leaf in eager]
    compiled_paths = [leaf.path for leaf in compiled]
    if eager_paths != compiled_paths:
        return Mismatch(
            Symptom.WRONG_SHAPE,
            "structure",
            f"output structure differs: eager {eager_paths} vs compiled {compiled_paths}",
        )
    reference = _usable_reference(eager, fp64)
    dropped: Mismatch | None = None
    for index, (e, c) in enumerate(zip(eager, compiled, strict=True)):
        mismatch = compare_leaf(e, c, reference[index] if reference else None, precision)
        if mismatch is None:
            continue
        if mismatch.drop_rule is None:
            return mismatch
        dropped = dropped or mismatch
    return dropped


def _usable_reference(eager: list[Leaf], fp64: list[Leaf] | None) -> list[Leaf] | None:
    if fp64 is None or [leaf.path for leaf in fp64] != [leaf.path for leaf in eager]:
        return None
    return fp64


def compare_leaf(
    eager: Leaf, compiled: Leaf, fp64: Leaf | None, precision: str | None = None
) -> Mismatch | None:
    if eager.values is None or compiled.values is None:
        if eager.text != compiled.text or (eager.values is None) != (compiled.values is None):
            return Mismatch(
                Symptom.WRONG_VALUE,
                eager.path,
                f"eager {eager.text!r} vs compiled {compiled.text!r}",
            )
        return None
    if eager.shape != compiled.shape:
        return Mismatch(
            Symptom.WRONG_SHAPE,
            eager.path,
            f"shape: eager {list(eager.shape)} vs compiled {list(compiled.shape)}",
        )
    if eager.dtype != compiled.dtype:
        return Mismatch(
            Symptom.WRONG_DTYPE,
            eager.path,
            f"dtype: eager {eager.dtype} vs compiled {compiled.dtype}",
        )
    if not eager.is_float:
        if np.array_equal(eager.values, compiled.values):
            return None
        differing = int(np.count_nonzero(eager.values != compiled.values))
        max_abs_err = _max_abs(eager.values, compiled.values)
        rounded = precision in LOW_PRECISION_ROUNDOFF
        rounded = rounded and max_abs_err <= _rounding_slack(eager, compiled, str(precision))
        drop_rule = instability.LOW_PRECISION_INTEGERS if rounded else None
        if drop_rule is None and _integers_as_close_as_eager(eager, compiled, fp64):
            drop_rule = instability.INTEGERS_AS_CLOSE_AS_EAGER
        return Mismatch(
            Symptom.WRONG_VALUE,
            eager.path,
            f"{differing} of {eager.values.size} {eager.dtype} elements differ",
            drop_rule=drop_rule,
            max_abs_err=max_abs_err,
        )
    reference = fp64.values if fp64 is not None and fp64.shape == eager.shape else None
    return _compare_float(eager, compiled.values, reference, coarser_precision(eager.dtype, precision))


def _integers_as_close_as_eager(eager: Leaf, compiled: Leaf, fp64: Leaf | None) -> bool:
    """Whether compiled integers (a quantize's, a cast's) are no further from the float64 referee's
    than eager's are, where eager itself misses the referee: then the integers are rounded from
    float values that another order or precision computes differently, and ties fall either way,
    in eager as in compiled.  Compiled may miss by at most eager's largest miss, and on average by
    at most twice eager's average miss plus one element's worth (a single tie).  Integers eager
    computes exactly get no slack, and a systematic shift (a floor for a round, a wrong zero
    point) moves most elements: both are kept."""
    if fp64 is None or fp64.values is None or fp64.is_float or fp64.shape != eager.shape:
        return False
    reference = fp64.values.astype(np.int64)
    eager_miss = np.abs(eager.values.astype(np.int64) - reference)
    compiled_miss = np.abs(compiled.values.astype(np.int64) - reference)
    worst = int(eager_miss.max(initial=0))
    return bool(
        worst >= 1
        and compiled_miss.max(initial=0) <= worst
        and compiled_miss.mean() <= 2 * eager_miss.mean() + 1 / eager.values.size
    )


def _rounding_slack(eager: Leaf, compiled: Leaf, precision: str) -> int:
    """How many integers apart two runs may land that compute a leaf's values in ``precision``
    before turning them into integers (a quantize, a cast): the value is rounded to that precision
    at least twice on the way (an op's result, the cast before the conversion), each rounding
    moving it by up to its magnitude times the unit roundoff, and values that far apart round to
    integers at most the ceiling of that distance apart (at least one: a tie may fall either side)."""
    magnitude = max(float(np.max(np.abs(eager.values))), float(np.max(np.abs(compiled.values))))
    return max(1, math.ceil(LOW_PRECISION_ROUNDINGS * LOW_PRECISION_ROUNDOFF[precision] * magnitude))


def coarser_precision(dtype: str, precision: str | None) -> str:
    """The dtype whose tolerances judge a leaf: its own, or the lower precision the program cast to."""
    if precision is None or precision not in FLOAT_TOLERANCES:
        return dtype
    own = FLOAT_TOLERANCES.get(dtype, UNKNOWN_FLOAT_TOLERANCE)[0]
    return precision if FLOAT_TOLERANCES[precision][0] > own else dtype


def _as_real(values: np.ndarray) -> np.ndarray:
    if np.iscomplexobj(values):
        return np.stack([values.real, values.imag], axis=-1).astype(np.float64)
    return values.astype(np.float64, copy=False)


def _compare_float(
    eager: Leaf, compiled_values: np.ndarray, fp64: np.ndarray | None, dtype: str
) -> Mismatch | None:
    """``dtype``: the precision whose tolerances apply (the leaf's, or a coarser one it was cast to)."""
    rtol, atol = FLOAT_TOLERANCES.get(dtype, UNKNOWN_FLOAT_TOLERANCE)
    e = _as_real(eager.values)
    c = _as_real(compiled_values)
    r = _as_real(fp64) if fp64 is not None else None
    path = eager.path

    considered = np.isfinite(r) if r is not None else np.ones(e.shape, dtype=bool)
    if r is not None and not considered.any() and e.size:
        if _equal_with_nan(e, c):
            return None
        return Mismatch(
            Symptom.WRONG_VALUE,
            path,
            "fp64 reference is NaN/Inf everywhere",
            drop_rule=instability.NONFINITE_REFERENCE,
        )
    e_finite, c_finite = np.isfinite(e), np.isfinite(c)
    only_compiled = considered & e_finite & ~c_finite
    if only_compiled.any():
        return Mismatch(
            Symptom.WRONG_VALUE,
            path,
            f"NaN/Inf only in compiled at {int(only_compiled.sum())} of {e.size} elements",
        )
    only_eager = considered & ~e_finite & c_finite
    if only_eager.any() and r is None:
        return Mismatch(
            Symptom.WRONG_VALUE,
            path,
            "NaN/Inf only in eager and no fp64 reference to decide",
            drop_rule=instability.NONFINITE_EAGER_ONLY,
        )
    # Eager overflowed where fp64 is finite: compiled did better there; leave those out.
    valid = considered & e_finite & c_finite
    both_nonfinite = considered & ~e_finite & ~c_finite
    if not np.array_equal(np.isnan(e[both_nonfinite]), np.isnan(c[both_nonfinite])):
        # With a referee, ``considered`` is where it is finite: both runs overflowed the dtype
        # there, and whether that shows as NaN or Inf is no evidence that compiled is worse.
        rule = instability.BOTH_OVERFLOW if r is not None else None
        return Mismatch(Symptom.WRONG_VALUE, path, "NaN in one run where the other has Inf", drop_rule=rule)
    ev, cv = e[valid], c[valid]
    if ev.size == 0 or np.allclose(cv, ev, rtol=rtol, atol=atol):
        return None

    abs_err = _max_abs(ev, cv)
    # Relative to |eager|, floored at atol so that zeros in eager do not make it meaningless.
    rel_err = float(np.max(np.abs(cv - ev) / np.maximum(np.abs(ev), atol)))
    degenerate = r is not None and np.array_equal(r[valid], ev)
    if r is None or degenerate:
        if np.allclose(cv, ev, rtol=rtol * NO_REFERENCE_WIDENING, atol=atol * NO_REFERENCE_WIDENING):
            return None
        why = "the fp64 referee equals eager bit for bit" if degenerate else "no fp64 reference"
        return Mismatch(
            Symptom.WRONG_VALUE,
            path,
            f"beyond {NO_REFERENCE_WIDENING:g}x tolerance ({why})",
            max_abs_err=abs_err,
            max_rel_err=rel_err,
        )
    rv = r[valid]
    rmse_c, rmse_e = _rmse(rv, cv), _rmse(rv, ev)
    multiplier = 3.0 if dtype in LOW_PRECISION or ev.size < SMALL_TENSOR_NUMEL else 2.0
    floor = (atol + rtol * float(np.sqrt(np.mean(rv * rv)))) / 10.0
    if rmse_c <= multiplier * rmse_e + floor:
        return None
    return Mismatch(
        Symptom.WRONG_VALUE,
        path,
        f"compiled is further from fp64 than eager: rmse {rmse_c:.3g} > "
        f"{multiplier:g} x {rmse_e:.3g} + {floor:.2g}",
        max_abs_err=abs_err,
        max_rel_err=rel_err,
        rmse_compiled=rmse_c,
        rmse_eager=rmse_e,
    )


def _rmse(reference: np.ndarray, result: np.ndarray) -> float:
    return float(np.sqrt(np.mean((reference - result) ** 2)))


def _max_abs(a: np.ndarray, b: np.ndarray) -> float:
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))


def _equal_with_nan(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))


def identical(first: list[Leaf], second: list[Leaf]) -> bool:
    """Bit-for-bit agreement (NaN equal to NaN): the eager re-run test for non-determinism."""
    if [leaf.path for leaf in first] != [leaf.path for leaf in second]:
        return False
    for a, b in zip(first, second, strict=True):
        if a.values is None or b.values is None:
            if a.text != b.text:
                return False
            continue
        if a.dtype != b.dtype or not _equal_with_nan(a.values, b.values):
            return False
    return True
