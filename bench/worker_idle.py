"""How much of a campaign's worker time went idle, from its store: the seed corpus, then rounds.

A worker is idle while the campaign has no program for it: before 2026-12-07 the seed corpus was
judged ``jobs`` programs at a time and each round waited for its slowest program, and 19-24 % of
a 10-minute torch campaign's worker time was idle.  Reads the runs' start (finished - seconds)
and end times; prints one line per store, so two stores (before, after) compare in one run:
  .venv/bin/python bench/worker_idle.py STORE_DIR_OR_SQLITE... [--jobs 2]
"""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path


def idle_seconds(runs: list[tuple[float, float, bool]], jobs: int) -> tuple[float, float, float, float]:
    """(idle during seeds, worker-seconds during seeds, idle after, worker-seconds after) for runs
    given as (start, end, is_seed)."""
    start = min(s for s, _, _ in runs)
    seeds_end = max((e for _, e, seed in runs if seed), default=start)
    events = sorted([(s, 1) for s, _, _ in runs] + [(e, -1) for _, e, _ in runs])
    busy, last = 0, start
    idle = {True: 0.0, False: 0.0}
    for time, change in events:
        idle[time <= seeds_end] += (time - last) * max(0, jobs - busy)
        busy, last = busy + change, time
    end = max(e for _, e, _ in runs)
    return idle[True], jobs * (seeds_end - start), idle[False], jobs * (end - seeds_end)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("stores", nargs="+", type=Path, help="campaign directories or fuzzfox.sqlite files")
    parser.add_argument("--jobs", type=int, default=2, help="the campaign's --jobs (default: 2)")
    args = parser.parse_args()
    for store in args.stores:
        path = store / "fuzzfox.sqlite" if store.is_dir() else store
        db = sqlite3.connect(path)
        runs = [
            (finished - seconds, finished, origin == "seed")
            for finished, seconds, origin in db.execute(
                "SELECT r.finished, r.seconds, p.origin FROM runs r JOIN programs p ON p.id = r.program_id"
            )
        ]
        db.close()
        if not runs:
            print(f"{store}: no runs")
            continue
        seed_idle, seed_total, round_idle, round_total = idle_seconds(runs, args.jobs)
        total = seed_total + round_total
        print(
            f"{store}: {len(runs)} runs, idle {(seed_idle + round_idle) / total:.0%} of {total:.0f} "
            f"worker-s (seeds {seed_idle:.0f} of {seed_total:.0f}, "
            f"after {round_idle:.0f} of {round_total:.0f})"
        )


if __name__ == "__main__":
    main()
