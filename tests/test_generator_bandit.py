"""The generator bandit: Thompson sampling on each generator's finds per second."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from fuzzfox.generator_bandit import GeneratorBandit


def draws(bandit: GeneratorBandit, usable: dict[str, float], n: int = 400) -> dict[str, int]:
    rng = random.Random(0)
    counts = dict.fromkeys(usable, 0)
    for _ in range(n):
        counts[bandit.choose(usable, rng)] += 1
    return counts


def test_the_generator_that_finds_more_per_second_is_drawn_most_and_the_other_still_sometimes() -> None:
    bandit = GeneratorBandit(sqlite3.connect(":memory:"))
    for _ in range(20):
        bandit.credit("pattern", gains=1, seconds=5.0)  # a first visit: one quick program, a new reach
        bandit.credit("synth", gains=0, seconds=30.0)  # four compiles that found nothing
    bandit.credit("synth", gains=1, seconds=30.0)
    counts = draws(bandit, {"pattern": 1.0, "synth": 1.0})
    assert counts["pattern"] > 0.95 * sum(counts.values())
    # with the yields reversed, so is the choice: the rate, not the name, decides
    reversed_bandit = GeneratorBandit(sqlite3.connect(":memory:"))
    for _ in range(20):
        reversed_bandit.credit("pattern", gains=0, seconds=5.0)
        reversed_bandit.credit("synth", gains=4, seconds=30.0)
    assert draws(reversed_bandit, {"pattern": 1.0, "synth": 1.0})["synth"] > 350


def test_an_untried_generator_gets_tried_and_a_weight_scales_the_draw() -> None:
    bandit = GeneratorBandit(sqlite3.connect(":memory:"))
    for _ in range(10):
        bandit.credit("mutate", gains=0, seconds=40.0)
    assert draws(bandit, {"mutate": 1.0, "llm": 1.0})["llm"] > 300  # the prior is optimistic
    even = GeneratorBandit(sqlite3.connect(":memory:"))
    assert (
        draws(even, {"mutate": 1.0, "synth": 1.0})["mutate"]
        < draws(even, {"mutate": 4.0, "synth": 1.0})["mutate"]
    )
    assert even.choose({}, random.Random(0)) is None


def test_what_it_learned_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    first = GeneratorBandit(sqlite3.connect(path))
    first.credit("mutate", gains=3, seconds=12.5)
    first.credit("mutate", gains=1, seconds=2.5)
    assert GeneratorBandit(sqlite3.connect(path)).table() == [("mutate", 2, 4, 15.0)]
