"""Programs that call a table entry's op as an OpInfo sample does
(:mod:`fuzzfox.generation.op_sample_programs`)."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

from fuzzfox.generation.op_sample_programs import bundled_programs, can_write, op_sample_programs, visit_calls
from fuzzfox.generation.pattern_directed import can_write as pattern_can_write
from fuzzfox.generation.pattern_directed import pattern_programs
from fuzzfox.whitebox.optimization import Optimization
from tests.conftest import CORPUS, judge_in_sandbox, requires_torch, run_cli

INDEX_CALL = {
    "call": "torch.ops.aten.index.Tensor({0}, [{1}, {1}])",
    "inputs": [
        {"shape": [5, 5], "dtype": "float32"},
        {"shape": [3], "dtype": "int64", "values": [0, 4, 2]},
    ],
}
PROBABILITY_CALL = {
    "call": "torch.ops.aten.binary_cross_entropy.default({0}, {1}, None, 1)",
    "inputs": [
        {"shape": [4], "dtype": "float32", "high": 1.0},
        {"shape": [], "dtype": "float64", "high": 0.5},
    ],
}


def table_entry(ident: str, calls: list[dict]) -> Optimization:
    return Optimization(
        ident, "decomposition", "decomposition", "_decomp/x.py", 1, 2, "def f(): ...\n", (), True,
        recipe={"calls": calls} if calls else None,
    )  # fmt: skip


def test_a_recorded_call_becomes_a_program_on_inputs_made_to_its_specs() -> None:
    (program,) = op_sample_programs(table_entry("decomposition.aten.index", [INDEX_CALL]), seed=0, count=1)
    assert program.optimization == "decomposition.aten.index" and program.metadata["origin"] == "opinfo"
    assert "def fn(x0, x1):\n    return torch.ops.aten.index.Tensor(x0, [x1, x1])" in program.source
    # the float input is drawn; the indices are written as recorded, so they stay in range
    assert "torch.randn(5, 5), torch.tensor([0, 4, 2], dtype=torch.int64).reshape(3)" in program.source


def test_non_negative_samples_stay_non_negative_and_dtypes_are_kept() -> None:
    entry = table_entry("decomposition.aten.binary_cross_entropy", [PROBABILITY_CALL])
    (program,) = op_sample_programs(entry, seed=0, count=1)
    assert "torch.rand(4), torch.rand((), dtype=torch.float64) * 0.5" in program.source


def test_an_input_domain_is_drawn_from_uniformly() -> None:
    asin = {
        "call": "torch.ops.aten.asin.default({0})",
        "inputs": [{"shape": [3], "dtype": "float32", "low": -1.0, "high": 1.0}],
    }
    (program,) = op_sample_programs(table_entry("lowering.aten.asin", [asin]), seed=0, count=1)
    assert "return (torch.empty(3).uniform_(-0.98, 0.98), )" in program.source  # off the ends


def test_a_call_whose_opinfo_pytorch_does_not_gradcheck_is_judged_on_values_only() -> None:
    unchecked = {**INDEX_CALL, "gradients": False}
    (program,) = op_sample_programs(table_entry("decomposition.aten.index", [unchecked]), seed=0, count=1)
    assert "# oracle: values\n" in program.source
    assert program.oracles(("values", "grads")) == ["values"]
    (checked,) = op_sample_programs(table_entry("decomposition.aten.index", [INDEX_CALL]), seed=0, count=1)
    assert "# oracle:" not in checked.source and checked.oracles(("values", "grads")) == ["values", "grads"]


def test_first_visits_bundle_into_one_program_of_several_calls_on_inputs_of_their_own() -> None:
    index = table_entry("decomposition.aten.index", [{**INDEX_CALL, "gradients": False}, INDEX_CALL])
    probability = table_entry("decomposition.aten.binary_cross_entropy", [PROBABILITY_CALL])
    # the index entry's unchecked call is the same call as its checked one: no second program
    (program,) = bundled_programs([index, probability], seed=0)
    assert program.optimization == "decomposition.aten.index"
    assert (
        "def fn(x0, x1, x2, x3):\n    return (torch.ops.aten.index.Tensor(x0, [x1, x1]), "
        "torch.ops.aten.binary_cross_entropy.default(x2, x3, None, 1))"
    ) in program.source
    assert "decomposition.aten.index, decomposition.aten.binary_cross_entropy handle them" in program.source
    assert "# oracle:" not in program.source  # the gradchecked call of the index entry was chosen
    only_unchecked = table_entry("decomposition.aten.index", [{**INDEX_CALL, "gradients": False}])
    (values_only,) = bundled_programs([only_unchecked, probability], seed=0)
    assert "# oracle: values\n" in values_only.source
    assert bundled_programs([index, table_entry("decomposition.aten.none", [])], seed=0) == []


def test_a_first_visit_makes_each_distinct_call_of_an_entry_on_tensors_that_hold_elements() -> None:
    def rounded(decimals: int, shape: list[int], gradients: bool = True) -> dict:
        return {
            "call": f"torch.ops.aten.round.decimals({{0}}, decimals={decimals})",
            "inputs": [{"shape": shape, "dtype": "float32"}],
            **({} if gradients else {"gradients": False}),
        }

    calls = [rounded(0, [1, 0, 3]), rounded(0, [4, 3]), rounded(3, [2]), rounded(-3, [5]), rounded(0, [2])]
    calls.append(rounded(-1, [3], gradients=False))
    entry = table_entry("decomposition.aten.round", calls)
    made = visit_calls(entry, with_gradients=True, rng=random.Random(0))
    written = sorted(call["call"].split(", ")[1] for call in made)
    assert written == ["decimals=-3)", "decimals=0)", "decimals=3)"]
    assert [call["inputs"][0]["shape"] for call in made if "decimals=0)" in call["call"]] == [[4, 3]]
    # on values only the call PyTorch does not gradcheck is made too
    assert len(visit_calls(entry, with_gradients=False, rng=random.Random(0))) == 4
    program, unchecked = bundled_programs([entry], seed=0)
    assert program.source.count("torch.ops.aten.round.decimals(") == 3
    assert "# oracle:" not in program.source
    # and the call PyTorch does not gradcheck in a program of its own, judged on values only
    assert "decimals=-1)" in unchecked.source and "# oracle: values\n" in unchecked.source


def test_the_lead_call_writes_the_most_arguments_out_and_the_others_follow_in_a_seeded_order() -> None:
    def summed(arguments: str) -> dict:
        return {
            "call": f"torch.ops.aten.sum.dim_IntList({{0}}, {arguments})",
            "inputs": [{"shape": [2, 3], "dtype": "float32"}],
        }

    calls = [summed("[0]"), summed("[1]"), INDEX_CALL, summed("[1], True"), summed("[0], True")]
    entry = table_entry("decomposition.aten.sum", calls)
    leads = {
        op_sample_programs(entry, seed=seed, count=1)[0].source.split("return ")[1].split("\n")[0]
        for seed in range(8)
    }
    assert leads == {
        "torch.ops.aten.sum.dim_IntList(x0, [1], True)",
        "torch.ops.aten.sum.dim_IntList(x0, [0], True)",
    }
    programs = op_sample_programs(entry, seed=3, count=9)
    assert len(programs) == 5 and len({p.id for p in programs}) == 5
    assert op_sample_programs(entry, seed=3, count=1)[0].id == programs[0].id
    assert [p.id for p in op_sample_programs(entry, seed=3, count=3)] == [p.id for p in programs[:3]]


def test_an_entry_without_recorded_calls_is_not_written_and_the_pattern_generator_delegates() -> None:
    assert not can_write(table_entry("decomposition.aten.none", []))
    entry = table_entry("decomposition.aten.index", [INDEX_CALL])
    assert pattern_can_write(entry)
    assert [p.id for p in pattern_programs(entry, 0, 1)] == [p.id for p in op_sample_programs(entry, 0, 1)]


@requires_torch
def test_the_recorded_calls_reach_their_decomposition_and_lowering_under_the_real_probe() -> None:
    from fuzzfox.sandbox.pool import default_cache_dir
    from fuzzfox.targets import get_target
    from fuzzfox.whitebox.catalog import load_catalog

    catalog = {o.id: o for o in load_catalog(get_target("torch-inductor"), default_cache_dir())}
    idents = ["decomposition.aten.lerp", "lowering.aten.bitwise_and"]
    programs = [op_sample_programs(catalog[ident], seed=0, count=1)[0] for ident in idents]
    verdicts = judge_in_sandbox(programs, timeout_s=180.0)
    for ident, program in zip(idents, programs, strict=True):
        verdict = verdicts[program.name]
        assert verdict.outcome.value == "pass", verdict.explain()
        assert ident in verdict.triggers, (ident, verdict.triggers)


@requires_torch
def test_a_campaign_bundles_first_visits_of_decompositions_and_lowerings(tmp_path: Path) -> None:
    """One program of OpInfo calls: the first visit of one table entry and three others
    never visited, each making its distinct recorded calls, which reach it; its pool then holds it."""
    idents = (
        "decomposition.aten.lerp",
        "lowering.aten.atan2",
        "decomposition.aten.hardswish",
        "lowering.aten.clamp_min",
    )
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(CORPUS / "pointless_convert.py", seeds)
    campaign = tmp_path / "campaign"
    result = run_cli(
        "campaign", "--campaign", str(campaign), "--seeds", str(seeds), "--llm", "none",
        "--generators", "pattern=1", "--optimizations", ",".join(idents), "--oracle", "values",
        "--jobs", "1", "--programs", "2",
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr[-2000:]
    db = sqlite3.connect(campaign / "fuzzfox.sqlite")
    (source,) = db.execute(
        "SELECT p.source FROM programs p JOIN batch_programs bp ON bp.program_id = p.id "
        "JOIN batches b ON b.id = bp.batch_id ORDER BY b.round LIMIT 1"
    ).fetchone()
    # each entry's distinct calls, not its lead call alone: lerp's Scalar and Tensor overloads
    assert source.count("torch.ops.aten.") > len(idents), source
    assert "torch.ops.aten.lerp.Scalar(" in source and "torch.ops.aten.lerp.Tensor(" in source, source
    pooled = {row[0] for row in db.execute("SELECT DISTINCT optimization FROM pool")}
    assert set(idents) <= pooled, pooled
    assert db.execute("SELECT COUNT(*) FROM batches").fetchone()[0] == 1  # nothing left to visit
