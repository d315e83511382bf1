"""The cross-backend oracle: real torch, JAX and TF children on catalogue entries, with and without faults.

Faults are the test-only variants of oracles.cross_backend.FAULTS: a real framework with one op
deliberately off by 1e-3 relative (a value, a gradient, or float32 only).
"""

from __future__ import annotations

import importlib.util
import sqlite3

import numpy as np
import pytest

from oracles import instability
from oracles.cross_backend import Case, FrameworkRun, crosscheck, judge_case, judge_leaves
from oracles.equivalences import BY_NAME, CATALOGUE, FRAMEWORKS, draw_inputs, select
from oracles.verdict import Outcome, Symptom, Verdict
from tests.conftest import run_cli

MODULES = {"torch": "torch", "jax": "jax", "tf": "tensorflow"}
INSTALLED = [f for f in FRAMEWORKS if importlib.util.find_spec(MODULES[f]) is not None]
needs_two = pytest.mark.skipif(
    len(INSTALLED) < 2, reason=f"needs two of torch, jax, tensorflow; installed: {INSTALLED or 'none'}"
)


def needs(*frameworks: str) -> pytest.MarkDecorator:
    missing = [f for f in frameworks if f not in INSTALLED]
    return pytest.mark.skipif(bool(missing), reason=f"{', '.join(missing)} not installed")


# A subset that covers every kind of entry and every encoded semantic difference.
QUIET_OPS = [
    "gelu_exact",
    "gelu_tanh",
    "std_ddof1",
    "var_ddof0",
    "conv2d_nchw",
    "conv2d_stride2_pad1",
    "layer_norm",
    "logsumexp",
    "pow",
]


def _by_op(results: list[tuple[Case, Verdict]]) -> dict[str, Verdict]:
    return {case.entry.name: verdict for case, verdict in results}


@pytest.fixture(scope="module")
def quiet_run() -> list[tuple[Case, Verdict]]:
    results, _ = crosscheck(select(QUIET_OPS), INSTALLED, draws=1, seed=3)
    return results


@pytest.fixture(scope="module")
def faulty_run() -> dict[str, Verdict]:
    frameworks = ["torch-faulty-softmax", "jax-faulty-tanh-grad", "tf-faulty-exp-float32"]
    results, _ = crosscheck(select(["softmax", "tanh", "exp", "gelu_tanh"]), frameworks, draws=1, seed=5)
    return _by_op(results)


# --- Real frameworks --------------------------------------------------------------------------


@needs_two
def test_unmodified_frameworks_agree_on_the_tricky_entries(quiet_run: list[tuple[Case, Verdict]]) -> None:
    assert len(quiet_run) == len(QUIET_OPS)
    not_passing = {case.key: v.explain() for case, v in quiet_run if v.outcome is not Outcome.PASS}
    assert not not_passing
    for _, verdict in quiet_run:  # every framework ran both precisions, and the error is float32-sized
        assert len(verdict.modes) == 2 * len(INSTALLED) and all(m.ok for m in verdict.modes)
        assert verdict.max_abs_err is not None and 0 < verdict.max_abs_err < 1e-4


@needs("torch", "jax", "tf")
def test_a_wrong_value_is_blamed_on_the_odd_framework_out(faulty_run: dict[str, Verdict]) -> None:
    verdict = faulty_run["softmax"]
    assert verdict.outcome is Outcome.BUG
    assert verdict.symptom is Symptom.WRONG_VALUE
    assert verdict.backend == "torch-faulty-softmax"
    assert verdict.leaf == "out" and verdict.blame == "float64"


@needs("torch", "jax", "tf")
def test_a_wrong_gradient_is_blamed_and_its_correct_value_is_not(faulty_run: dict[str, Verdict]) -> None:
    verdict = faulty_run["tanh"]
    assert verdict.outcome is Outcome.BUG
    assert verdict.symptom is Symptom.WRONG_GRADIENT
    assert verdict.backend == "jax-faulty-tanh-grad"
    assert verdict.leaf == "grad[x]"


@needs("torch", "jax", "tf")
def test_a_float32_only_error_is_caught_against_the_float64_consensus(faulty_run: dict[str, Verdict]) -> None:
    verdict = faulty_run["exp"]
    assert verdict.outcome is Outcome.BUG
    assert verdict.backend == "tf-faulty-exp-float32"
    assert verdict.blame == "float32"
    assert verdict.rmse_compiled_vs_fp64 > 100 * verdict.rmse_eager_vs_fp64


@needs("torch", "jax", "tf")
def test_faulty_frameworks_stay_quiet_on_ops_they_do_not_break(faulty_run: dict[str, Verdict]) -> None:
    assert faulty_run["gelu_tanh"].outcome is Outcome.PASS


@needs("torch", "jax")
def test_cli_two_frameworks_name_the_pair_and_record_in_the_store(tmp_path) -> None:
    campaign = tmp_path / "cross"
    result = run_cli(
        "crosscheck",
        "--ops",
        "softmax,sigmoid",
        "--frameworks",
        "torch-faulty-softmax,jax,nosuch",
        "--draws",
        "2",
        "--campaign",
        str(campaign),
        timeout=300,
    )
    assert result.returncode == 2 and "unknown framework 'nosuch'" in result.stderr
    result = run_cli(
        "crosscheck",
        "--ops",
        "softmax,sigmoid",
        "--frameworks",
        "torch-faulty-softmax,jax",
        "--draws",
        "2",
        "--campaign",
        str(campaign),
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "4 cases (2 ops x 2 draws)" in result.stdout and "2 pass, 2 bug" in result.stdout
    db = sqlite3.connect(campaign / "fuzzfox.sqlite")
    rows = db.execute(
        "SELECT programs.optimization, runs.outcome, runs.backend FROM runs "
        "JOIN programs ON programs.id = runs.program_id ORDER BY programs.optimization"
    ).fetchall()
    assert sorted(rows) == [
        ("sigmoid", "pass", None),
        ("sigmoid", "pass", None),
        ("softmax", "bug", "torch-faulty-softmax vs jax"),
        ("softmax", "bug", "torch-faulty-softmax vs jax"),
    ]
    (source,) = db.execute("SELECT source FROM programs WHERE optimization = 'softmax' LIMIT 1").fetchone()
    assert "# target: crosscheck" in source and "check_cases" in source


@pytest.mark.slow
@needs_two
def test_whole_catalogue_gives_no_bug_candidates() -> None:
    results, runs = crosscheck(CATALOGUE, INSTALLED, draws=2, seed=11)
    assert all(run.failure is None for run in runs.values())
    not_passing = {case.key: v.explain() for case, v in results if v.outcome is not Outcome.PASS}
    assert not not_passing


# --- The rule on its own (no framework: leaves built from numbers) ------------------------------


def _noisy(rng: np.random.Generator, truth: np.ndarray, scale: float) -> np.ndarray:
    return (truth + rng.normal(0, scale, truth.shape)).astype(np.float32)


def test_rule_passes_ordinary_float32_noise_and_blames_the_one_further_from_float64() -> None:
    rng = np.random.default_rng(0)
    truth = rng.normal(size=(4, 5))
    float64 = {f: truth.copy() for f in FRAMEWORKS}
    float32 = {f: _noisy(rng, truth, 1e-7) for f in FRAMEWORKS}
    assert judge_leaves("out", float32, float64).blamed is None
    float32["jax"] = _noisy(rng, truth, 1e-3)
    judgement = judge_leaves("out", float32, float64)
    assert (judgement.blamed, judgement.precision) == ("jax", "float32")


def test_rule_names_the_pair_when_two_float64_results_disagree_and_none_decides() -> None:
    truth = np.linspace(-1, 1, 6)
    float64 = {"torch": truth, "tf": truth * 1.01}
    float32 = {f: v.astype(np.float32) for f, v in float64.items()}
    assert judge_leaves("out", float32, float64).blamed == "torch vs tf"
    float64["jax"], float32["jax"] = truth, truth.astype(np.float32)
    assert judge_leaves("out", float32, float64).blamed == "tf"


def test_rule_drops_a_mismatch_where_the_float64_consensus_is_not_finite() -> None:
    float64 = {f: np.array([np.nan, np.nan]) for f in FRAMEWORKS}
    float32 = {f: np.array([np.nan, np.nan], dtype=np.float32) for f in FRAMEWORKS}
    float32["tf"] = np.array([1.0, 2.0], dtype=np.float32)
    judgement = judge_leaves("out", float32, float64)
    assert judgement.drop_rule == instability.NONFINITE_REFERENCE


def test_crash_in_one_framework_is_blamed_and_in_all_is_invalid() -> None:
    """A framework raising is simulated with FrameworkRun records (no real op of the catalogue raises)."""
    case = Case(BY_NAME["exp"], seed=0, draw=0)
    x = draw_inputs(case.entry, 0, 0)["x"]
    leaves = {
        f"{case.key}|{p}|{leaf}": np.exp(x).astype(p)
        for p in ("float32", "float64")
        for leaf in ("out", "grad[x]")
    }
    error = {"type": "RuntimeError", "message": "no kernel", "frames": []}
    raising = {f"{case.key}|{p}": error for p in ("float32", "float64")}
    runs = {"torch": FrameworkRun("torch", leaves, {}), "tf": FrameworkRun("tf", {}, raising)}
    verdict = judge_case(case, runs)
    assert (verdict.outcome, verdict.symptom, verdict.backend) == (Outcome.BUG, Symptom.CRASH, "tf")
    runs["torch"] = FrameworkRun("torch", {}, raising)
    assert judge_case(case, runs).outcome is Outcome.INVALID


def test_draws_are_reproducible_and_respect_domains() -> None:
    for entry in CATALOGUE:
        first, again = draw_inputs(entry, 7, 1), draw_inputs(entry, 7, 1)
        assert all(np.array_equal(first[n], again[n]) for n in entry.inputs)
    assert (draw_inputs(BY_NAME["log"], 1, 0)["x"] > 0).all()
    assert (np.abs(draw_inputs(BY_NAME["relu"], 1, 0)["x"]) >= 0.1).all()
    clamp = draw_inputs(BY_NAME["clamp"], 1, 0)["x"]
    assert (np.abs(np.abs(clamp) - 0.5) >= 0.05).all()
    assert len(CATALOGUE) >= 30
