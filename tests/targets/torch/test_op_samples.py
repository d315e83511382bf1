"""Which recorded OpInfo calls a table entry keeps (:mod:`fuzzfox.targets.torch.op_samples`)."""

from __future__ import annotations

from fuzzfox.targets.torch.op_samples import CALLS_PER_OP, _chosen


def call(text: str, size: int) -> dict:
    return {"call": text, "inputs": [{"shape": [size], "dtype": "float32"}]}


def test_different_argument_lists_come_before_a_second_call_of_one() -> None:
    one_dim = [call("torch.ops.aten.repeat.default({0}, [5])", size) for size in (2, 3, 4)]
    many = call("torch.ops.aten.repeat.default({0}, [2, 1, 3])", 5)
    kept = _chosen([*one_dim, many])
    assert len(kept) == CALLS_PER_OP == 3
    assert kept[:2] == [one_dim[0], many] and kept[2] == one_dim[1]
