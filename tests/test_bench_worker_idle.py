"""bench/worker_idle.py: idle worker time of a campaign, split at the seed corpus's end."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SPEC = importlib.util.spec_from_file_location(
    "worker_idle", Path(__file__).resolve().parent.parent / "bench" / "worker_idle.py"
)
assert SPEC is not None and SPEC.loader is not None
worker_idle = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(worker_idle)


def test_a_worker_waiting_for_the_other_is_idle_and_the_split_is_at_the_last_seed() -> None:
    runs = [
        (0.0, 2.0, True),  # seeds two at a time: the first worker waits 4 s for the second
        (0.0, 6.0, True),
        (6.0, 7.0, False),  # then one program alone for 1 s, both idle for 1 s, both busy 2 s
        (8.0, 10.0, False),
        (8.0, 10.0, False),
    ]
    assert worker_idle.idle_seconds(runs, jobs=2) == (4.0, 12.0, 3.0, 8.0)
