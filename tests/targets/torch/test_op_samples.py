"""Which recorded OpInfo calls a table entry keeps (:mod:`fuzzfox.targets.torch.op_samples`)."""

from __future__ import annotations

from fuzzfox.targets.torch.op_samples import (
    CALLS_PER_OP,
    SEEN_PER_OP,
    SIZES_PER_CALL,
    _chosen,
    _gradients_tested,
    _look_at,
    _tensor_spec,
)
from tests.conftest import requires_torch


def call(text: str, size: int, dtype: str = "float32") -> dict:
    return {"call": text, "inputs": [{"shape": [size], "dtype": dtype}] * 2}


def test_calls_giving_argument_values_no_kept_call_gives_come_before_repeats() -> None:
    loss = "torch.ops.aten.smooth_l1_loss.default({0}, {1}%s)"
    defaults = [call(loss % "", size) for size in (2, 3)]
    total, none = call(loss % ", 2", 4), call(loss % ", 0", 4)
    beta = call(loss % ", 1, 5.0", 4)  # two values no other call gives
    double = call(loss % "", 4, "float64")  # the two inputs' dtypes
    kept = _chosen([*defaults, total, none, beta, double])
    assert len(kept) == CALLS_PER_OP == 6
    assert kept == [defaults[0], beta, double, total, none, defaults[1]]


def test_a_call_on_tensors_holding_elements_stands_for_calls_alike_on_empty_ones() -> None:
    roll = "torch.ops.aten.roll.default({0}, %s)"

    def on(text: str, shape: list[int]) -> dict:
        return {"call": roll % text, "inputs": [{"shape": shape, "dtype": "float32"}]}

    empty_one, full_one = on("[1], [2]", [0, 0, 0]), on("[1], [2]", [5, 5, 5])
    empty_two, full_two = on("[1, 2], [0, 1]", [0, 0, 0]), on("[1, 2], [0, 1]", [5, 5, 5])
    only_empty = on("[3], [0]", [0, 4])  # no call alike holds elements: it stays
    kept = _chosen([empty_one, full_one, empty_two, full_two, only_empty])
    assert kept[:3] == [full_one, full_two, only_empty]
    assert kept[3:] == [empty_one, empty_two]  # the empty ones after, as repeats


def test_an_op_looks_at_distinct_calls_so_a_call_made_in_many_sizes_leaves_room_for_others() -> None:
    """Other OpInfos' samples call ``div.Tensor`` in dozens of sizes before ``div``'s own samples
    call it with ``rounding_mode='floor'``: sizes of one call no longer take the places."""
    divide = "torch.ops.aten.div.Tensor({0}, {1})"
    floor = "torch.ops.aten.div.Tensor_mode({0}, {1}, rounding_mode='floor')"
    kept: list[dict] = []
    for size in range(1, 50):
        _look_at(kept, call(divide, size))
    assert [c["inputs"][0]["shape"] for c in kept] == [[1], [2], [3]][:SIZES_PER_CALL]
    _look_at(kept, call(floor, 4))
    _look_at(kept, call(floor, 4))  # the same recipe again
    assert [c["call"] for c in kept].count(floor) == 1
    others = [call(f"torch.ops.aten.div.Scalar({{0}}, {number})", 2) for number in range(SEEN_PER_OP)]
    for other in others:
        _look_at(kept, other)
    assert len({c["call"] for c in kept}) == SEEN_PER_OP  # distinct calls are capped too
    assert others[-1] not in kept and others[SEEN_PER_OP - 3] in kept


@requires_torch
def test_opinfos_whose_gradcheck_pytorch_skips_or_expects_to_fail_are_told_apart() -> None:
    from torch.testing._internal.common_methods_invocations import op_db

    by_name = {(o.name, o.variant_test_name): o for o in op_db}
    # samples with repeated indices (overlapping pools): gradcheck skipped; the 'grad' variant's
    # samples keep indices distinct and are checked
    assert not _gradients_tested(by_name["nn.functional.max_unpool3d", ""])
    assert _gradients_tested(by_name["nn.functional.max_unpool3d", "grad"])
    assert not _gradients_tested(by_name["as_strided_scatter", ""])  # expectedFailure
    assert _gradients_tested(by_name["lerp", ""])
    assert not _gradients_tested(by_name["heaviside", ""])  # supports no autograd: no gradcheck


@requires_torch
def test_a_float_input_keeps_its_opinfos_domain_where_the_sample_lies_in_it() -> None:
    import torch

    inside = torch.tensor([-0.5, 0.25, 0.9])
    assert _tensor_spec(inside, (-1, 1)) == {"shape": [3], "dtype": "float32", "low": -1.0, "high": 1.0}
    from_one = _tensor_spec(torch.tensor([1.5, 7.25]), (1, None))  # acosh: [1, the sample's max)
    assert (from_one["low"], from_one["high"]) == (1.0, 7.25)
    assert "low" not in _tensor_spec(torch.tensor([-3.0, 2.0]), (-1, 1))  # not the OpInfo's sample
    assert _tensor_spec(torch.tensor([0.5, 2.0]))["high"] == 2.0 and "low" not in _tensor_spec(inside)
