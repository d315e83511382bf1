"""Thompson sampling, pools and scheduling on a real SQLite store; program shapes; campaign options."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from fuzzfox.config import CampaignOptions, ConfigError, load_toml, merge
from fuzzfox.feedback import Feedback
from fuzzfox.generation.shape import program_shape
from fuzzfox.program import parse_program
from fuzzfox.store import Store

TEMPLATE = """\
# target: torch-inductor
# optimization: o
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return x.{op}() * {scale}


def make_inputs():
    return (torch.randn(2, 3),)
"""


def make(op: str = "relu", scale: float = 2.0):
    return parse_program(TEMPLATE.format(op=op, scale=scale))


@pytest.fixture
def store(tmp_path: Path):
    store = Store(tmp_path)
    yield store
    store.close()


def test_shape_ignores_formatting_names_and_comments_but_not_ops_or_literals() -> None:
    a = (
        "import torch\nclass Model(torch.nn.Module):\n    def forward(self, x):\n"
        "        y = x.relu()\n        return y\n"
    )
    renamed = (
        "# header: ignored\nimport torch\n\n\nclass Model(torch.nn.Module):\n"
        '    """Docstring."""\n    def forward(self, inp):  # comment\n        out = inp.relu()\n'
        "        return out\n"
    )
    assert program_shape(a) == program_shape(renamed)
    assert program_shape(a) != program_shape(a.replace("relu", "sigmoid"))
    assert program_shape(make(scale=2.0).source) != program_shape(make(scale=3.0).source)


def test_pool_dedups_by_shape_and_counts_new_entries(store: Store) -> None:
    feedback = Feedback(store.db)
    first, respelled, other = make(), parse_program(make().source.replace("x", "inp")), make("tanh")
    store.add_programs([first, respelled, other])
    added = feedback.seed([(first, ["o"]), (respelled, ["o"]), (other, ["o", "p"])])
    assert added == {"o": 2, "p": 1}
    assert {e.program_id for e in feedback.pool("o")} == {first.id, other.id}
    assert feedback.pool_sizes() == {"o": 2, "p": 1}


def test_thompson_sampling_prefers_examples_that_worked(store: Store) -> None:
    feedback = Feedback(store.db)
    good, bad = make("relu"), make("tanh")
    store.add_programs([good, bad])
    feedback.seed([(good, ["o"]), (bad, ["o"])])
    # One batch showing only `good` triggered 4 of 4; one showing only `bad` triggered 0 of 4.
    outputs = [make("relu", s) for s in (5.0, 6.0, 7.0, 8.0)]
    store.add_programs(outputs)
    batch = feedback.open_batch(0, "o", "mutate", [good.id], outputs, [])
    outcome = feedback.close_batch(batch, [(p, ["o"]) for p in outputs])
    assert outcome.triggered == 4 and outcome.new_in_pool == {"o": 4}
    misses = [make("sigmoid", s) for s in (1.5, 2.5)]
    store.add_programs(misses)
    batch = feedback.open_batch(
        1, "o", "mutate", [bad.id], misses, [("syntax error", "bad", "x"), ("other", "b", "y")]
    )
    assert feedback.close_batch(batch, [(p, []) for p in misses]).triggered == 0
    posteriors = {e.program_id: (e.alpha, e.beta) for e in feedback.pool("o")}
    assert posteriors[good.id] == (5.0, 1.0)
    assert posteriors[bad.id] == (1.0, 5.0)  # 2 judged misses + 2 outputs that were not programs
    rng = random.Random(0)
    firsts = Counter(feedback.draw_examples("o", 1, rng)[0] for _ in range(400))
    assert firsts[good.id] > 4 * firsts[bad.id]
    assert len(feedback.draw_examples("o", 3, rng)) == 3
    # The one-shot baseline ignores the posteriors and the pool's growth: the seeds, always.
    seeds = {p.id for p in (good, bad)}
    store.db.execute("UPDATE programs SET origin = 'mutate'")
    store.db.executemany("UPDATE programs SET origin = 'seed' WHERE id = ?", [(i,) for i in seeds])
    for _ in range(20):
        assert set(feedback.draw_examples("o", 3, rng, selection="seeds")) == seeds


def test_unfinished_batch_survives_a_restart(store: Store, tmp_path: Path) -> None:
    feedback = Feedback(store.db)
    programs = [make("relu", 9.0), make("gelu")]
    store.add_programs(programs)
    feedback.open_batch(0, "o", "synth", [], programs, [])
    store.close()
    reopened = Store(tmp_path)
    again = Feedback(reopened.db)
    (batch,) = again.unfinished_batches()
    assert batch.program_ids == tuple(p.id for p in programs) and batch.produced == 2
    assert again.rounds_done() == 1
    again.close_batch(batch, [(programs[0], ["o"]), (programs[1], [])])
    assert again.unfinished_batches() == []
    reopened.close()


def test_scheduler_prefers_rare_optimizations_and_retires_saturated_ones(store: Store) -> None:
    feedback = Feedback(store.db, patience=2)
    crowded = [make("relu", float(s)) for s in range(1, 10)]
    store.add_programs(crowded)
    feedback.seed([(p, ["common"]) for p in crowded])
    rng = random.Random(1)
    picks = Counter(feedback.choose_optimization(["common", "rare"], rng) for _ in range(600))
    assert picks["rare"] > 2 * picks["common"]  # weights 1 vs 1/sqrt(10)
    for round_number in range(2):  # two batches aimed at "rare" that add nothing new
        batch = feedback.open_batch(round_number, "rare", "synth", [], [], [("no code", "none", "")])
        feedback.close_batch(batch, [])
    assert feedback.retired() == {"rare"}
    assert feedback.choose_optimization(["common", "rare"], rng) == "common"
    assert feedback.choose_optimization(["rare"], rng) is None


def test_options_merge_toml_and_reject_bad_values(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[campaign]\njobs = 3\ngenerators = { mutate = 1, synth = 0.5 }\nllm = "none"\n')
    options = merge(CampaignOptions(), load_toml(config), str(config))
    assert (options.jobs, options.generators, options.llm) == (3, {"mutate": 1.0, "synth": 0.5}, "none")
    with pytest.raises(ConfigError, match="unknown option 'jbos'"):
        merge(options, {"jbos": 2}, "c.toml")
    with pytest.raises(ConfigError, match="jobs must be a positive integer, not 'two'"):
        merge(options, {"jobs": "two"}, "c.toml")
    with pytest.raises(ConfigError, match="unknown generator 'gpt'"):
        merge(options, {"generators": {"gpt": 1}}, "c.toml")
    config.write_text("jobs = [")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_toml(config)


def test_scheduler_visits_untried_optimizations_before_ones_tried_in_vain(store: Store) -> None:
    feedback = Feedback(store.db, patience=4)
    batch = feedback.open_batch(0, "tried", "pattern", [], [], [("no code", "none", "")])
    feedback.close_batch(batch, [])
    assert feedback.aimed_at() == {"tried"}
    rng = random.Random(2)
    picks = Counter(feedback.choose_optimization(["tried", "untried"], rng) for _ in range(900))
    assert 1.6 < picks["untried"] / picks["tried"] < 2.5  # weights 1 vs 1/(1 + 1 fruitless batch)
    assert feedback.choose_optimization(["tried", "untried"], rng, exclude=["untried"]) == "tried"
    assert feedback.choose_optimization(["untried"], rng, exclude=["untried"]) is None
