"""Pattern-directed synthesis: programs written from how Inductor traced a replacement's pattern.

The recipe test needs no framework; the trigger test reads the real catalog of the installed torch
and judges the written programs in the sandbox under the real probe.
"""

from __future__ import annotations

import ast
import dataclasses
import shutil
import sqlite3
from pathlib import Path

import pytest

from fuzzfox.generation.pattern_directed import can_write, pattern_programs
from fuzzfox.whitebox.optimization import Optimization
from tests.conftest import CORPUS, judge_in_sandbox, requires_torch, run_cli

SEARCH = '''def _sfdp_pattern_9(query, key, value, inv_scale, dropout_p):
    """A docstring the program leaves out."""
    q = query.permute(0, 2, 1, 3)
    return torch.nn.functional.dropout(torch.matmul(q, key).div(inv_scale).softmax(-1), dropout_p) @ value


def _sfdp_replacement_9(query, key, value, inv_scale, dropout_p):
    return query
'''
TENSOR = {"shape": [2, 4, 8, 16], "stride": [512, 128, 16, 1], "dtype": "float16", "requires_grad": True}
TRANSPOSED = {"shape": [2, 4, 16, 8], "stride": [512, 128, 1, 16], "dtype": "float16", "requires_grad": True}


def optimization(training: bool, inputs: list[dict]) -> Optimization:
    recipe = {
        "search_fn": "_sfdp_pattern_9",
        "inputs": inputs,
        "training": training,
        "scalars": {"dropout_p": 0.113377},
        "parameters": ["query", "key", "value", "inv_scale", "dropout_p"],
    }
    return Optimization(
        "fuse_attention._sfdp_pattern_9_half_training", "replacement", "joint_graph.patterns",
        "_inductor/fx_passes/fuse_attention.py", 1, 9, SEARCH, (), True, recipe=recipe,
    )  # fmt: skip


def test_a_program_holds_the_search_function_on_inputs_made_to_the_recipe() -> None:
    inputs = [TENSOR, TRANSPOSED, TENSOR, {"shape": [], "stride": [], "dtype": "float16", "value": 2.0}]
    first, *variants = pattern_programs(optimization(True, inputs), seed=3, count=4)
    assert len(variants) == 3 and first.optimization.endswith("_training") and first.mode == "training"
    assert "origin: pattern" in first.source and "A docstring" not in first.source
    forward = "return _sfdp_pattern_9(query, key, value, inv_scale=4.0, dropout_p=0.1)"
    assert forward in first.source  # the 0-d input is a number in the graph, as the extra_check wants
    made = first.source.split("def make_inputs")[1]
    assert made.count("torch.randn(2, 4, 8, 16, dtype=torch.float16).requires_grad_()") == 2
    assert "torch.randn(2, 4, 8, 16, dtype=torch.float16).permute(0, 1, 3, 2).requires_grad_()" in made
    for variant in variants:  # sizes move together: query and value keep one shape
        returned = ast.parse(variant.source).body[-1].body[0].value  # make_inputs's tuple
        query, _, value = (ast.unparse(e) for e in returned.elts)
        assert query == value, variant.source
    inference = pattern_programs(optimization(False, inputs), seed=3, count=1)[0]
    assert "dropout_p=0.0" in inference.source and ".requires_grad_()" not in inference.source
    assert inference.mode == "inference"


def test_only_an_optimization_with_a_recipe_and_its_search_function_is_written() -> None:
    assert can_write(optimization(True, [TENSOR]))
    assert not can_write(dataclasses.replace(optimization(True, [TENSOR]), recipe=None))
    without = Optimization(
        "x.y", "graph_pattern", "p", "f.py", 1, 2, "def handler(match):\n    pass\n", (), True
    )
    assert not can_write(without) and pattern_programs(without, 0, 3) == []


@requires_torch
@pytest.mark.parametrize(
    "ident", ["fuse_attention._sfdp_pattern_1_inference", "fuse_attention._sfdp_pattern_1_training"]
)
def test_the_recipe_program_triggers_its_attention_pattern_under_the_real_probe(ident: str) -> None:
    from fuzzfox.sandbox.pool import default_cache_dir
    from fuzzfox.targets import get_target
    from fuzzfox.whitebox.catalog import load_catalog

    catalog = {o.id: o for o in load_catalog(get_target("torch-inductor"), default_cache_dir())}
    (program,) = pattern_programs(catalog[ident], seed=0, count=1)
    verdict = judge_in_sandbox([program], timeout_s=180.0)[program.name]
    assert verdict.outcome.value == "pass", verdict.explain()
    assert ident in verdict.triggers, verdict.triggers


@requires_torch
def test_a_campaign_gives_empty_pools_to_the_pattern_a_first_visit_each_worker(tmp_path: Path) -> None:
    """A first visit writes the canonical program alone, and the worker that is free takes the
    next empty pool while the other is busy; what triggered is pooled and mutation has examples."""
    idents = ("fuse_attention._sfdp_pattern_1_inference", "fuse_attention._sfdp_pattern_2_inference")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(CORPUS / "pointless_convert.py", seeds)  # reaches something else: the pools are empty
    campaign = tmp_path / "campaign"
    result = run_cli(
        "campaign", "--campaign", str(campaign), "--seeds", str(seeds), "--llm", "none",
        "--generators", "pattern=1,mutate=1", "--optimizations", ",".join(idents), "--oracle", "values",
        "--jobs", "2", "--batch", "2", "--programs", "3",
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr[-2000:]
    db = sqlite3.connect(campaign / "fuzzfox.sqlite")
    first_round = db.execute(
        "SELECT generator, optimization, produced, created, finished FROM batches ORDER BY round LIMIT 2"
    ).fetchall()
    assert sorted(row[1] for row in first_round) == sorted(idents)
    assert [row[0] for row in first_round] == ["pattern", "pattern"]
    assert [row[2] for row in first_round] == [1, 1]  # the canonical program alone
    (seed_finished,) = db.execute(
        "SELECT r.finished FROM runs r JOIN programs p ON p.id = r.program_id WHERE p.origin = 'seed'"
    ).fetchone()
    # the second was written while both workers were busy (the seed's and the first visit's)
    assert first_round[1][3] < max(first_round[0][4], seed_finished)
    # first visits are judged as written: the compile-settings bandit gives them no settings
    assigned = db.execute(
        "SELECT COUNT(*) FROM program_arms WHERE program_id IN (SELECT bp.program_id FROM batch_programs bp "
        "JOIN batches b ON b.id = bp.batch_id WHERE b.generator = 'pattern')"
    ).fetchone()[0]
    assert assigned == 0
    pooled = db.execute(
        "SELECT COUNT(DISTINCT optimization) FROM pool WHERE optimization IN (?, ?)", idents
    ).fetchone()[0]
    assert pooled == 2  # what the pattern wrote reached both


def test_a_search_function_brings_the_functions_it_calls_and_a_huge_trace_is_scaled_down() -> None:
    source = (
        "def _sfdp_pattern_28(query, key, value):\n    return _sfdp_pattern_4(query, key, value)\n\n\n"
        "def _sfdp_pattern_4(query, key, value):\n"
        "    return (query @ key.transpose(1, 2)).softmax(-1) @ value\n"
    )
    huge = {"shape": [1024, 128, 128], "stride": [16384, 128, 1], "dtype": "float32", "requires_grad": False}
    recipe = {"search_fn": "_sfdp_pattern_28", "inputs": [huge] * 3, "training": False, "scalars": {}}
    optimization = Optimization(
        "fuse_attention._sfdp_pattern_28_inference", "replacement", "p", "f.py", 1, 2, source, (), True,
        recipe=recipe,
    )  # fmt: skip
    (program,) = pattern_programs(optimization, seed=0, count=1)
    assert program.source.index("def _sfdp_pattern_4") < program.source.index("def _sfdp_pattern_28")
    assert program.source.count("torch.randn(64, 32, 32, dtype=torch.float32)") == 3  # 65536 each
