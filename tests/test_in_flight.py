"""InFlight: which programs are out, which batch waits for which verdicts."""

from __future__ import annotations

from fuzzfox.feedback import Batch
from fuzzfox.in_flight import InFlight


def batch(batch_id: int, optimization: str, *program_ids: str) -> Batch:
    return Batch(batch_id, batch_id, optimization, "mutate", (), program_ids, len(program_ids))


def test_a_batch_is_handed_back_by_its_last_verdict_whatever_the_order() -> None:
    flow = InFlight()
    first, second = batch(1, "a", "p1", "p2"), batch(2, "b", "p3")
    assert flow.open(first, ["p1", "p2"]) and flow.open(second, ["p3"])
    for program_id in ("p1", "p2", "p3"):
        flow.start(program_id)
    assert len(flow) == 3 and flow.optimizations() == ["a", "b"]
    assert flow.finish("p3", new=False) == [second]
    assert flow.finish("p1", new=True) == []
    assert flow.finish("p2", new=False) == [first]
    assert len(flow) == 0 and flow.optimizations() == []
    assert flow.new == {"p1": True, "p2": False, "p3": False}


def test_a_program_two_batches_share_completes_both_and_a_batch_with_every_verdict_is_not_opened() -> None:
    flow = InFlight()
    assert flow.open(batch(1, "a", "p1"), ["p1"]) and flow.open(batch(2, "b", "p1", "p2"), ["p1"])
    flow.start("p1")
    assert [b.id for b in flow.finish("p1", new=True)] == [1, 2]
    assert not flow.open(batch(3, "c", "p1"), [])  # judged before: fed back at once, not waited for
    assert flow.optimizations() == []


def test_seeds_are_told_apart() -> None:
    flow = InFlight()
    flow.start("s1", seed=True)
    flow.start("p1")
    assert flow.seeds == {"s1"} and flow.finish("s1", new=True) == [] and len(flow) == 1
