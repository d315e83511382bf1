"""The model's writer thread: jobs run off the caller's thread, bounded, in order, errors handed back."""

from __future__ import annotations

import threading
import time

import pytest

from fuzzfox.llm.pipeline import Pipeline


def test_a_job_runs_while_the_caller_goes_on_and_is_collected_after() -> None:
    release = threading.Event()
    pipeline: Pipeline[str, str] = Pipeline(depth=1)
    try:
        pipeline.submit("first", lambda: release.wait(10) and threading.current_thread().name)
        assert pipeline.busy() and pipeline.room() == 0
        assert pipeline.collect() == []  # the caller is not held while the job runs
        release.set()
        assert pipeline.wait(timeout=10)
        (finished,) = pipeline.collect()
    finally:
        pipeline.close()
    assert finished.tag == "first" and finished.error is None
    assert finished.result == "llm-writer" != threading.current_thread().name
    assert not pipeline.busy()


def test_the_queue_is_bounded_and_runs_in_order() -> None:
    ran: list[int] = []
    pipeline: Pipeline[int, None] = Pipeline(depth=3)
    try:
        for number in range(3):
            pipeline.submit(number, lambda number=number: ran.append(number))
        with pytest.raises(RuntimeError, match="full"):
            pipeline.submit(3, lambda: None)
        deadline = time.monotonic() + 10
        collected = []
        while len(collected) < 3 and time.monotonic() < deadline:
            pipeline.wait(timeout=1)
            collected += pipeline.collect()
    finally:
        pipeline.close()
    assert ran == [0, 1, 2] and [f.tag for f in collected] == [0, 1, 2]
    assert pipeline.room() == 3


def test_an_error_is_handed_back_with_its_job() -> None:
    def fails() -> str:
        raise ValueError("the model said no")

    pipeline: Pipeline[str, str] = Pipeline()
    try:
        pipeline.submit("broken", fails)
        assert pipeline.wait(timeout=10)
        (finished,) = pipeline.collect()
    finally:
        pipeline.close()
    assert finished.result is None and isinstance(finished.error, ValueError)
    assert str(finished.error) == "the model said no" and finished.seconds >= 0


def test_close_drops_queued_jobs_and_does_not_wait_for_a_running_one() -> None:
    ran: list[str] = []
    stuck = threading.Event()
    pipeline: Pipeline[str, None] = Pipeline(depth=2)
    pipeline.submit("running", lambda: stuck.wait(30) and None)
    pipeline.submit("queued", lambda: ran.append("queued"))
    started = time.monotonic()
    pipeline.close(timeout=0.2)
    assert time.monotonic() - started < 5
    stuck.set()
    time.sleep(0.2)
    assert ran == [] and pipeline.collect() == []
    with pytest.raises(RuntimeError, match="closed"):
        pipeline.submit("late", lambda: None)
