"""The comparison rules, each shown on both sides: what must pass and what must be caught."""

from __future__ import annotations

import numpy as np

from oracles import instability
from oracles.compare import MAX_TEXT, Leaf, compare_runs, flatten, identical, text_leaf
from oracles.verdict import Symptom

RNG = np.random.default_rng(0)


def leaf(values, dtype: str = "float32", path: str = "out") -> Leaf:
    array = np.asarray(values)
    return Leaf(path, dtype, array.shape, array)


def fp32(values: np.ndarray) -> np.ndarray:
    return values.astype(np.float32).astype(np.float64)


def test_exact_and_within_tolerance_pass() -> None:
    x = RNG.standard_normal(100)
    assert compare_runs([leaf(x)], [leaf(x)], None) is None
    assert compare_runs([leaf(x)], [leaf(x * (1 + 1e-7))], [leaf(x, "float64")]) is None


def test_compiled_further_from_fp64_than_eager_is_a_wrong_value() -> None:
    truth = RNG.standard_normal(2000)
    eager = fp32(truth)
    compiled = eager * (1 + 1e-4)
    mismatch = compare_runs([leaf(eager)], [leaf(compiled)], [leaf(truth, "float64")])
    assert mismatch is not None and mismatch.symptom is Symptom.WRONG_VALUE
    assert mismatch.drop_rule is None
    assert mismatch.rmse_compiled > 2 * mismatch.rmse_eager


def test_compiled_closer_to_fp64_than_a_sloppy_eager_passes() -> None:
    """Eager lost precision (say, a cancellation); compiled is off from eager but nearer the truth."""
    truth = RNG.standard_normal(2000)
    eager = truth + 1e-3 * RNG.standard_normal(2000)
    compiled = truth + 1e-4 * RNG.standard_normal(2000)
    assert compare_runs([leaf(eager)], [leaf(compiled)], [leaf(truth, "float64")]) is None


def test_small_tensors_get_the_larger_multiplier() -> None:
    truth = RNG.standard_normal(10)
    eager = truth + 1e-4 * RNG.standard_normal(10)
    noise = eager - truth
    just_over_two = truth + noise * 2.5  # beyond 2x eager's error, within 3x
    assert compare_runs([leaf(eager)], [leaf(just_over_two)], [leaf(truth, "float64")]) is None
    assert compare_runs([leaf(eager)], [leaf(truth + noise * 4)], [leaf(truth, "float64")]) is not None


def test_nan_only_in_compiled_is_a_bug() -> None:
    x = RNG.standard_normal(50)
    broken = x.copy()
    broken[3] = np.nan
    mismatch = compare_runs([leaf(x)], [leaf(broken)], [leaf(x, "float64")])
    assert mismatch is not None and mismatch.drop_rule is None
    assert "NaN/Inf only in compiled" in mismatch.detail


def test_nan_in_the_reference_is_not_a_bug() -> None:
    nan = np.full(4, np.nan)
    mismatch = compare_runs([leaf([1.0, 2, 3, 4])], [leaf([5.0, 6, 7, 8])], [leaf(nan, "float64")])
    assert mismatch is not None and mismatch.drop_rule == instability.NONFINITE_REFERENCE


def test_eager_overflow_where_fp64_is_finite_is_not_held_against_compiled() -> None:
    truth = np.array([1e38 * 4, 1.0])
    eager = np.array([np.inf, 1.0])
    compiled = np.array([4e38, 1.0])
    assert compare_runs([leaf(eager)], [leaf(compiled)], [leaf(truth, "float64")]) is None
    mismatch = compare_runs([leaf(eager)], [leaf(compiled)], None)
    assert mismatch is not None and mismatch.drop_rule == instability.NONFINITE_EAGER_ONLY


def test_nan_against_inf_where_both_overflowed_is_dropped_and_without_a_referee_kept() -> None:
    # Found by a 30-minute campaign: the gradient of a float32 prod of 54 values near 20 (1e70:
    # it overflows) is Inf eagerly and NaN compiled; the float64 referee is finite.
    truth = np.array([1e70, 2.0])
    eager = np.array([np.inf, 2.0])
    compiled = np.array([np.nan, 2.0])
    both = compare_runs([leaf(eager)], [leaf(compiled)], [leaf(truth, "float64")])
    assert both is not None and both.drop_rule == instability.BOTH_OVERFLOW
    unrefereed = compare_runs([leaf(eager)], [leaf(compiled)], None)
    assert unrefereed is not None and unrefereed.drop_rule is None
    where_eager_is_finite = compare_runs([leaf([1.0, 2.0])], [leaf(compiled)], [leaf(truth, "float64")])
    assert where_eager_is_finite is not None and where_eager_is_finite.drop_rule is None


def test_without_reference_tolerance_is_widened_but_still_bounded() -> None:
    x = RNG.standard_normal(100)
    assert compare_runs([leaf(x)], [leaf(x * (1 + 5e-6))], None) is None
    assert compare_runs([leaf(x)], [leaf(x * (1 + 1e-3))], None) is not None


def test_integers_no_further_from_the_referee_than_eager_are_dropped_and_a_shift_is_kept() -> None:
    """Quantized outputs rounded from float values that eager and compiled compute in another
    order: ties fall either way in both.  A systematic shift, or a miss where eager is exact, stays."""
    truth = RNG.integers(0, 250, 1000)
    eager = truth.copy()
    eager[:40] += 1  # eager misses the referee at 40 ties
    compiled = truth.copy()
    compiled[500:530] += 1  # compiled misses it at 30 others
    reference = [leaf(truth, "uint8")]
    dropped = compare_runs([leaf(eager, "uint8")], [leaf(compiled, "uint8")], reference)
    assert dropped is not None and dropped.drop_rule == instability.INTEGERS_AS_CLOSE_AS_EAGER
    assert dropped.drop_rule in instability.RULES
    floored = truth - (RNG.random(1000) < 0.5)  # a floor where a round belongs: half the elements
    kept = compare_runs([leaf(eager, "uint8")], [leaf(floored, "uint8")], reference)
    assert kept is not None and kept.drop_rule is None
    twice_as_far = compiled.copy()
    twice_as_far[600] += 2  # further than eager ever misses
    kept = compare_runs([leaf(eager, "uint8")], [leaf(twice_as_far, "uint8")], reference)
    assert kept is not None and kept.drop_rule is None
    one_off = truth.copy()
    one_off[7] += 1  # eager computes these integers exactly: no slack at all
    kept = compare_runs([leaf(truth, "uint8")], [leaf(one_off, "uint8")], reference)
    assert kept is not None and kept.drop_rule is None
    assert compare_runs([leaf(eager, "uint8")], [leaf(compiled, "uint8")], None).drop_rule is None


def test_shape_dtype_and_structure() -> None:
    a = leaf(np.zeros((2, 3)))
    assert compare_runs([a], [leaf(np.zeros((3, 2)))], None).symptom is Symptom.WRONG_SHAPE
    assert compare_runs([a], [leaf(np.zeros((2, 3)), "float16")], None).symptom is Symptom.WRONG_DTYPE
    assert compare_runs([a], [a, leaf([1.0], path="out[1]")], None).symptom is Symptom.WRONG_SHAPE


def test_integers_compare_exactly() -> None:
    assert compare_runs([leaf([1, 2, 3], "int64")], [leaf([1, 2, 3], "int64")], None) is None
    mismatch = compare_runs([leaf([1, 2, 3], "int64")], [leaf([1, 2, 4], "int64")], None)
    assert mismatch is not None and "1 of 3 int64 elements differ" in mismatch.detail


def test_integers_computed_in_low_precision_may_differ_by_its_rounding_and_no_more() -> None:
    quantized = np.array([64, 190, 255, 0, 131], dtype=np.uint8)
    off_by_two = quantized.copy()
    off_by_two[1] += 2  # bf16 at 255: rounding twice moves a value by up to 2 integers
    eager, compiled = [leaf(quantized, "uint8")], [leaf(off_by_two, "uint8")]
    dropped = compare_runs(eager, compiled, None, precision="bfloat16")
    assert dropped is not None and dropped.drop_rule == instability.LOW_PRECISION_INTEGERS
    assert dropped.drop_rule in instability.RULES
    # the same in a float32 program, or in float16 (8x finer), is a wrong value
    for precision in (None, "float32", "float16"):
        kept = compare_runs(eager, compiled, None, precision=precision)
        assert kept is not None and kept.drop_rule is None, precision
    wrong = quantized.copy()
    wrong[1] -= 6  # beyond what bf16 rounding does at this magnitude: a bug even in bf16
    kept = compare_runs(eager, [leaf(wrong, "uint8")], None, precision="bfloat16")
    assert kept is not None and kept.drop_rule is None and kept.symptom is Symptom.WRONG_VALUE
    small = compare_runs([leaf([1, 2, 3], "int64")], [leaf([1, 2, 5], "int64")], None, precision="bfloat16")
    assert small is not None and small.drop_rule is None  # at magnitude 5 bf16 is exact: 1 is the slack


def test_low_precision_uses_its_own_tolerance() -> None:
    x = RNG.standard_normal(100)
    assert compare_runs([leaf(x, "bfloat16")], [leaf(x * (1 + 5e-3), "bfloat16")], None) is None
    assert compare_runs([leaf(x)], [leaf(x * (1 + 5e-3))], None) is not None


def test_identical_is_bitwise_and_nan_aware() -> None:
    x = np.array([1.0, np.nan])
    assert identical([leaf(x)], [leaf(x.copy())])
    assert not identical([leaf(x)], [leaf(np.array([np.nextafter(1.0, 2.0), np.nan]))])


def one_fp16_ulp_apart(values: np.ndarray) -> np.ndarray:
    half = values.astype(np.float16)
    return np.nextafter(half, np.float16(np.inf)).astype(np.float64)


def test_a_program_that_computed_in_float16_is_judged_with_float16_tolerances() -> None:
    """A float32 output of a float16 computation: eager and compiled one float16 ulp apart (each
    rounding once) is rounding, not a bug; float32 tolerances alone call it one."""
    eager = RNG.standard_normal(288).astype(np.float16).astype(np.float64)
    compiled = eager.copy()
    compiled[::5] = one_fp16_ulp_apart(eager[::5])
    truth = eager + RNG.uniform(-2e-4, 2e-4, eager.shape)  # where a float64 computation lands
    assert compare_runs([leaf(eager)], [leaf(compiled)], [leaf(truth, "float64")]) is not None
    assert compare_runs([leaf(eager)], [leaf(compiled)], [leaf(truth, "float64")], "float16") is None
    wrong = eager * 1.05  # a real bug is still one at float16 precision
    mismatch = compare_runs([leaf(eager)], [leaf(wrong)], [leaf(truth, "float64")], "float16")
    assert mismatch is not None and mismatch.symptom is Symptom.WRONG_VALUE


def test_a_referee_equal_to_eager_bit_for_bit_widens_instead_of_demanding_exactness() -> None:
    """A float64 program's referee computes what eager computed: rmse(eager) is 0, so the rmse rule
    would demand compiled equal eager to the last bits; the widened tolerance decides instead."""
    eager = RNG.standard_normal(500) * 1e3
    reassociated = eager * (1 + RNG.uniform(-5e-7, 5e-7, eager.shape))
    assert compare_runs([leaf(eager, "float64")], [leaf(reassociated, "float64")], None) is None
    assert (
        compare_runs([leaf(eager, "float64")], [leaf(reassociated, "float64")], [leaf(eager, "float64")])
        is None
    )
    broken = eager.copy()
    broken[7] += 1.0
    mismatch = compare_runs([leaf(eager, "float64")], [leaf(broken, "float64")], [leaf(eager, "float64")])
    assert mismatch is not None and "referee equals eager bit for bit" in mismatch.detail


def test_flatten_walks_containers_in_one_order_and_leaves_arrays_to_the_framework() -> None:
    def array_leaf(value: object, path: str) -> Leaf | None:
        if isinstance(value, np.ndarray):
            return Leaf(path, "float32", value.shape, value.astype(np.float64))
        return None

    output = {"b": [np.ones(2), 3], "a": (True, 2.5, "text" * 100)}
    leaves = flatten(output, "out", array_leaf)
    assert [(leaf.path, leaf.dtype) for leaf in leaves] == [
        ("out['a'][0]", "bool"),
        ("out['a'][1]", "python_float"),
        ("out['a'][2]", ""),
        ("out['b'][0]", "float32"),
        ("out['b'][1]", "int64"),
    ]
    assert leaves[2].values is None and len(leaves[2].text) == MAX_TEXT
    # What the framework claims is its own leaf, whatever Python type it is.
    assert flatten(7, "out", lambda value, path: text_leaf(value, path))[0].text == "7"
