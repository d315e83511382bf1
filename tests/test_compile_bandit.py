"""The compile-settings bandit: arms become header pairs, credit moves the posteriors."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from fuzzfox.compile_bandit import ARMS, CompileBandit, Novelty, with_settings
from fuzzfox.program import parse_program
from fuzzfox.store import Store
from oracles.verdict import Outcome, Symptom, Verdict

SOURCE = """# target: torch-inductor
# config: freezing=False
import torch


def fn(x):
    return x.sin()


def make_inputs():
    return (torch.randn(3),)
"""


def test_an_arm_merges_into_the_header_and_wins_on_a_clash() -> None:
    program = with_settings(parse_program(SOURCE), ARMS["freezing"] | ARMS["dynamic+resize"])
    assert program.config == {"freezing": True}
    assert program.compile_settings == {"dynamic": True, "resize": True}
    assert parse_program(program.source).compile_settings == {"dynamic": True, "resize": True}


def test_arms_that_find_things_are_drawn_more() -> None:
    bandit = CompileBandit(sqlite3.connect(":memory:"))
    rng = random.Random(0)
    program = parse_program(SOURCE)
    for _ in range(60):
        assigned = bandit.assign(program, rng)
        found = assigned.compile_settings.get("dynamic") is True and "resize" in assigned.compile_settings
        bandit.credit(assigned.id, found)
    table = {arm: (wins, misses) for arm, wins, misses in bandit.table()}
    assert table["dynamic+resize"][0] >= 10
    assert sum(misses for _, misses in table.values()) < 30


def test_only_a_new_bug_family_or_a_new_optimization_earns_credit(tmp_path: Path) -> None:
    store = Store(tmp_path)
    program = parse_program(SOURCE)
    store.add_programs([program])
    wrong = Verdict(Outcome.BUG, "differs", symptom=Symptom.WRONG_VALUE, backend="inductor")
    store.record(program, "key", wrong)
    novelty = Novelty(store.db)
    assert not novelty.is_new(wrong)  # the same family again: a false positive would repeat like this
    crash = Verdict(Outcome.BUG, "raises", symptom=Symptom.CRASH, backend="inductor")
    assert novelty.is_new(crash) and not novelty.is_new(crash)
    reached = Verdict(Outcome.PASS, "agrees", triggers=["pattern_a"])
    assert novelty.is_new(reached) and not novelty.is_new(reached)
    assert not novelty.is_new(Verdict(Outcome.PASS, "agrees"))
