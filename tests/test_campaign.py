"""The campaign for real: sandboxed torch runs, SQLite state, resume, kill -9, SIGTERM, Ray.

These campaigns run without an LLM (mutation and synthesis) so they are fast and deterministic;
the LLM path is tested against the real embedded server in the last test.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CORPUS, PROGRAMS, ROOT, requires_jax, requires_llama, requires_torch, run_cli

pytestmark = requires_torch
SEEDS = ("pointless_permute_pair.py", "addmm_mm_bias_fusion.py")


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name in SEEDS:
        shutil.copy(CORPUS / name, folder / name)
    return folder


def campaign_args(directory: Path, seeds: Path, *extra: str, oracle: str | None = "values") -> list[str]:
    """A small LLM-free campaign; values only unless ``oracle`` says otherwise (None: the defaults),
    since these tests are about the campaign loop and the gradient oracle doubles a program's cost."""
    return [
        "--campaign", str(directory), "--seeds", str(seeds), "--llm", "none",
        "--generators", "mutate=1,synth=1", "--jobs", "1", "--batch", "2", "--timeout", "120",
        *(["--oracle", oracle] if oracle else []), *extra,
    ]  # fmt: skip


def query(directory: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(directory / "fuzzfox.sqlite", timeout=30)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def assert_consistent(directory: Path) -> None:
    """No lost and no duplicated run: every generated or seed program has exactly one run."""
    ((runs, distinct),) = query(directory, "SELECT COUNT(*), COUNT(DISTINCT program_id) FROM runs")
    assert runs == distinct
    unjudged = query(
        directory,
        "SELECT bp.program_id FROM batch_programs bp LEFT JOIN runs r ON r.program_id = bp.program_id "
        "WHERE r.id IS NULL",
    )
    assert unjudged == []
    assert query(directory, "SELECT COUNT(*) FROM batches WHERE finished IS NULL") == [(0,)]
    assert query(directory, "SELECT COUNT(*) FROM runs r LEFT JOIN verdicts v ON v.run_id = r.id "
                            "WHERE v.run_id IS NULL") == [(0,)]  # fmt: skip


def test_campaign_runs_then_resumes_where_it_stopped(tmp_path: Path, seeds: Path) -> None:
    directory = tmp_path / "c"
    first = run_cli("campaign", *campaign_args(directory, seeds, "--programs", "6"))
    assert first.returncode == 0, first.stderr
    assert "program budget of 6 spent" in first.stdout
    assert "optimizations triggered:" in first.stdout and "seed corpus alone:" in first.stdout
    stats = json.loads((directory / "stats.json").read_text())
    assert stats["state"] == "stopped" and stats["programs_run_session"] >= 6
    assert stats["optimizations_triggered"] >= 2 and stats["optimizations_total"] > 400
    assert (directory / "plot.csv").read_text().startswith("unix_time,programs_run,")
    rounds_before = query(directory, "SELECT COUNT(*) FROM batches")[0][0]
    assert rounds_before >= 2
    # every finished batch was credited to its generator with what it cost
    credited = dict(query(directory, "SELECT generator, batches FROM generator_yield"))
    finished = dict(query(directory, "SELECT generator, COUNT(*) FROM batches GROUP BY generator"))
    assert credited == finished
    assert {row[0] for row in stats["generator_yield"]} == set(finished)
    pools = dict(query(directory, "SELECT optimization, COUNT(*) FROM pool GROUP BY optimization"))
    assert pools and all(count >= 1 for count in pools.values())

    second = run_cli("campaign", "--campaign", str(directory), "--programs", "2")  # options remembered
    assert second.returncode == 0, second.stderr
    assert "judging" not in second.stderr  # the seeds were not judged again
    assert query(directory, "SELECT COUNT(*) FROM batches")[0][0] > rounds_before
    assert (
        query(directory, "SELECT MIN(round), COUNT(DISTINCT round), COUNT(*) FROM batches")[0][1:]
        == (query(directory, "SELECT COUNT(*) FROM batches")[0][0],) * 2
    )
    assert_consistent(directory)
    status = run_cli("status", str(directory), "--json")
    assert json.loads(status.stdout)["programs_run"] == query(directory, "SELECT COUNT(*) FROM runs")[0][0]
    by_optimization = run_cli("status", str(directory), "--optimizations", "--json")
    assert by_optimization.returncode == 0, by_optimization.stderr
    rows = {row["optimization"]: row for row in json.loads(by_optimization.stdout)}
    generated = query(directory, "SELECT optimization, SUM(produced) FROM batches GROUP BY optimization")
    assert {o: row["generated"] for o, row in rows.items()} == dict(generated)
    pools = dict(query(directory, "SELECT optimization, COUNT(*) FROM pool GROUP BY optimization"))
    assert all(row["pool"] == pools.get(o, 0) for o, row in rows.items())
    assert all(0 <= row["valid %"] <= 100 for row in rows.values())


@pytest.mark.slow  # resume is proven by the test above; the default suite keeps it
def test_the_budget_holds_during_the_seed_corpus_and_resume_judges_the_rest(
    tmp_path: Path, seeds: Path
) -> None:
    directory = tmp_path / "c"
    first = run_cli("campaign", *campaign_args(directory, seeds, "--programs", "1"))
    assert first.returncode == 0, first.stderr
    assert "program budget of 1 spent" in first.stdout
    assert query(directory, "SELECT COUNT(*) FROM runs") == [(1,)]  # not the whole seed corpus
    second = run_cli("campaign", "--campaign", str(directory), "--programs", "1")
    assert second.returncode == 0, second.stderr
    assert "judging 1 seed program(s) (1 already judged)" in second.stderr
    assert query(directory, "SELECT COUNT(*) FROM runs") == [(len(SEEDS),)]
    assert_consistent(directory)


def test_status_of_a_directory_that_is_no_campaign_is_one_line(tmp_path: Path) -> None:
    for extra in ((), ("--optimizations",)):
        result = run_cli("status", str(tmp_path), *extra)
        assert result.returncode == 2
        assert result.stderr.startswith("fuzzfox: error: no ") and len(result.stderr.splitlines()) == 1


def test_a_bad_option_is_one_line(tmp_path: Path, seeds: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("jobs = 0\n")
    result = run_cli("campaign", "--campaign", str(tmp_path / "c"), "--config", str(config))
    assert result.returncode == 2
    assert result.stderr.strip() == "fuzzfox: error: config file: jobs must be a positive integer, not 0"
    first = run_cli("campaign", *campaign_args(tmp_path / "d", seeds, "--programs", "1", "--seed", "1"))
    assert first.returncode == 0, first.stderr
    other_seed = run_cli("campaign", "--campaign", str(tmp_path / "d"), "--seed", "2")
    assert other_seed.returncode == 2 and "cannot resume with seed = 2" in other_seed.stderr
    config.write_text('oracles = ["values", "speed"]\n')
    result = run_cli("campaign", "--campaign", str(tmp_path / "e"), "--config", str(config))
    assert result.stderr.strip() == (
        "fuzzfox: error: config file: oracles must be a non-empty list of values, grads, "
        "not ['values', 'speed']"
    )
    result = run_cli("campaign", "--campaign", str(tmp_path / "e"), "--oracle", "grad")
    assert result.returncode == 2 and "unknown oracle 'grad' (known: values, grads)" in result.stderr


def start_daemon(directory: Path, seeds: Path, *extra: str) -> subprocess.Popen:
    """The daemon logs to a file beside the campaign: a pipe nobody reads would fill and block it."""
    log = (directory.parent / "daemon.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "fuzzfox", "daemon", *campaign_args(directory, seeds, *extra)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )


def daemon_log(directory: Path) -> str:
    return (directory.parent / "daemon.log").read_text()


def wait_for(condition, timeout: float, daemon: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            raise AssertionError(f"daemon exited early (status {daemon.returncode}); see its log")
        try:
            if condition():
                return
        except (sqlite3.OperationalError, FileNotFoundError, json.JSONDecodeError):
            pass
        time.sleep(0.3)
    raise AssertionError("condition not reached in time")


@pytest.mark.slow  # a second proof: test_cli's kill -9 of `fuzzfox run`, and the resume test above
def test_kill_9_mid_campaign_loses_and_duplicates_nothing(tmp_path: Path, seeds: Path) -> None:
    directory = tmp_path / "c"
    daemon = start_daemon(directory, seeds, "--programs", "1000")
    try:
        wait_for(lambda: query(directory, "SELECT COUNT(*) FROM runs")[0][0] >= len(SEEDS) + 3, 300, daemon)
        os.kill(daemon.pid, signal.SIGKILL)  # the daemon only: its workers see EOF and exit
        daemon.wait(timeout=30)
    finally:
        if daemon.poll() is None:
            daemon.kill()
    runs_at_kill = query(directory, "SELECT COUNT(*) FROM runs")[0][0]
    status = run_cli("status", str(directory))
    assert "dead (killed without stopping" in status.stdout
    resumed = run_cli("daemon", "--campaign", str(directory), "--programs", "2")
    assert resumed.returncode == 0, resumed.stderr
    assert query(directory, "SELECT COUNT(*) FROM runs")[0][0] >= runs_at_kill
    assert_consistent(directory)
    assert not (directory / "daemon.pid").exists()


@pytest.mark.slow  # nothing lost on a kill -9 (tests/cli/test_cli.py) is in the default suite
def test_sigterm_finishes_programs_in_flight_and_exits_cleanly(tmp_path: Path, seeds: Path) -> None:
    directory = tmp_path / "c"
    timeout_s = 120
    daemon = start_daemon(directory, seeds, "--programs", "1000")
    try:
        wait_for(
            lambda: "round" in json.loads((directory / "stats.json").read_text())["current"], 300, daemon
        )
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=timeout_s + 60)  # the in-flight programs' timeout bounds it
    finally:
        if daemon.poll() is None:
            daemon.kill()
    err = daemon_log(directory)
    assert daemon.returncode == 0, err[-3000:]
    assert "SIGTERM: finishing the programs in flight" in err
    stats = json.loads((directory / "stats.json").read_text())
    assert stats["state"] == "stopped" and stats["ended_because"] == "stopped (SIGTERM)"
    # A batch cut short by the stop stays open and is finished on the next start.
    open_batches = query(directory, "SELECT COUNT(*) FROM batches WHERE finished IS NULL")[0][0]
    assert open_batches <= 1
    resumed = run_cli("daemon", "--campaign", str(directory), "--programs", "1")
    assert resumed.returncode == 0, resumed.stderr
    assert_consistent(directory)


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="ray is not installed")
def test_ray_gives_the_same_verdicts_as_the_local_pool(tmp_path: Path, seeds: Path) -> None:
    shutil.copy(PROGRAMS / "sigmoid_gate.py", seeds / "sigmoid_gate.py")
    verdicts = {}
    for executor in ("local", "ray"):
        directory = tmp_path / executor
        args = campaign_args(directory, seeds, "--programs", "5", "--seed", "7", "--executor", executor)
        result = run_cli("campaign", *args, "--backends", "aot_eager,faulty_sigmoid")
        assert result.returncode == 1, result.stderr  # faulty_sigmoid is caught in sigmoid_gate
        verdicts[executor] = query(
            directory, "SELECT program_id, outcome, symptom, stage, backend FROM runs ORDER BY program_id"
        )
    assert verdicts["local"] == verdicts["ray"]
    assert any(row[1] == "bug" for row in verdicts["ray"])


@pytest.mark.slow
@requires_llama
def test_llm_rounds_through_the_embedded_server(tmp_path: Path, seeds: Path) -> None:
    from fuzzfox.llm.models import TEST_MODEL, get_model
    from fuzzfox.sandbox.pool import default_cache_dir

    if not get_model(TEST_MODEL).installed(default_cache_dir()):
        pytest.skip(f"run `fuzzfox llm install --model {TEST_MODEL}` first")
    directory = tmp_path / "c"
    args = campaign_args(directory, seeds, "--minutes", "1.5", "--analyze", "never")
    args[args.index("--llm") + 1] = f"embedded:{TEST_MODEL}"
    args[args.index("--generators") + 1] = "llm=1"
    result = run_cli("campaign", *args, timeout=600)
    assert result.returncode == 0, result.stderr
    batches = query(directory, "SELECT generator, produced FROM batches")
    models = {f"llm:{TEST_MODEL}", f"llm-repair:{TEST_MODEL}"}  # first answers, repairs of failed ones
    assert batches and all(g in models and produced >= 1 for g, produced in batches)
    # The 135M model writes no runnable program: its answers are recorded as rejects with reasons.
    rejects = query(directory, "SELECT category, reason FROM rejects")
    valid = query(directory, "SELECT SUM(valid) FROM batches")[0][0] or 0
    assert len(rejects) + valid == sum(p for _, p in batches)
    calls = (
        sqlite3.connect(directory / "llm.sqlite")
        .execute(
            "SELECT COUNT(*), SUM(completion_tokens) FROM calls WHERE purpose = 'generation' AND cached = 0"
        )
        .fetchone()
    )
    assert calls[0] >= 1 and calls[1] > 0
    stats = json.loads((directory / "stats.json").read_text())
    assert stats["llm_calls"] >= calls[0] and stats["llm_tokens"] > 0


SCRIPTED_BROKEN = """import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.mm(x, x)


def make_inputs():
    return (torch.randn(2, {columns}),)
"""


def test_the_model_writes_while_programs_are_judged_and_its_failures_are_repaired(
    tmp_path: Path, seeds: Path
) -> None:
    """Over HTTP to the scripted test server (a real model's answers cannot be chosen): each first
    answer fails without a compiler, each repair prompt is answered with a program that runs, and
    every answer takes the server 2 s, long enough for programs to be judged meanwhile."""
    from fuzzfox.generation.prompt import REPAIR_ASK, SOURCE_INTRO
    from tests.llm.fault_llm_server import FaultServer, running

    first_prompts: list[str] = []

    def answer(messages: list[dict[str, str]]) -> str:
        columns = 3 + server.requests  # each answer another program
        program = SCRIPTED_BROKEN.format(columns=columns)
        if REPAIR_ASK in messages[-1]["content"]:
            program = program.replace("torch.mm(x, x)", "torch.mm(x, x.t())")
        else:
            first_prompts.append(messages[-1]["content"])
        return f"```python\n{program}```"

    directory = tmp_path / "c"
    with running(FaultServer()) as server:
        server.answer, server.delay_s = answer, 2.0
        args = campaign_args(directory, seeds, "--programs", "8", "--minutes", "4", "--analyze", "never",
                             "--model", "scripted", "--input-draws", "0",
                             "--backends", "aot_eager")  # fmt: skip
        args[args.index("--llm") + 1] = server.url
        args[args.index("--generators") + 1] = "llm=1"
        result = run_cli("campaign", *args, timeout=600)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    generators = {g for (g,) in query(directory, "SELECT DISTINCT generator FROM batches")}
    assert generators == {"llm:scripted", "llm-repair:scripted"}
    repairs = query(
        directory,
        "SELECT child.parent, child_run.outcome, parent_run.outcome FROM programs child "
        "JOIN runs child_run ON child_run.program_id = child.id "
        "JOIN runs parent_run ON parent_run.program_id = child.parent "
        "WHERE child.origin = 'llm-repair:scripted'",
    )
    assert repairs and all(parent == "invalid" != child for _, child, parent in repairs), repairs
    # Each first prompt shows the optimization's own code (grounding), not only its requirement.
    assert first_prompts and all(SOURCE_INTRO in prompt for prompt in first_prompts)
    # Pipelined: some program was judged while the server was still writing an answer.
    calls = (
        sqlite3.connect(directory / "llm.sqlite")
        .execute("SELECT time - seconds, time FROM calls WHERE cached = 0")
        .fetchall()
    )
    finished = [t for (t,) in query(directory, "SELECT finished FROM runs")]
    assert any(start < t < end for start, end in calls for t in finished), (calls, finished)


def test_the_model_takes_part_in_one_draw_per_rest_as_long_as_its_last_job(
    tmp_path: Path, seeds: Path
) -> None:
    """The generator draw's side of the model's share of the machine, without running programs:
    a lost draw sends it to rest as long as its last job took; alone, it never rests."""
    import random

    from fuzzfox.campaign import Campaign
    from fuzzfox.config import CampaignOptions
    from fuzzfox.generation.generators import SynthGenerator
    from fuzzfox.llm.availability import LLMAvailability
    from fuzzfox.llm.pipeline import Pipeline

    options = CampaignOptions(llm="none", generators={"llm": 1.0, "synth": 1.0}, seeds=[str(seeds)])
    campaign = Campaign(tmp_path / "c", options)
    campaign.generators = {"llm": object(), "synth": SynthGenerator(campaign.catalog)}  # type: ignore[dict-item]
    campaign.llm_availability = LLMAvailability()
    campaign.llm_pipeline = Pipeline(depth=1)
    try:
        campaign._llm_rest = 60.0  # its last job took a minute
        winners = []
        for number in range(40):
            drawn = campaign.draw(random.Random(number))
            assert drawn is not None
            winners.append(drawn[1])
            if drawn[1] != "llm":
                break
        assert winners[-1] == "synth"  # it lost a draw ...
        assert not campaign._llm_may_draw()  # ... and rests
        assert {d[1] for d in (campaign.draw(random.Random(n)) for n in range(20)) if d} == {"synth"}
        campaign.generators.pop("synth")
        assert campaign._llm_alone() and campaign._llm_may_draw()  # alone, it never rests
        campaign._llm_rests_until = 0.0
        campaign.generators["synth"] = SynthGenerator(campaign.catalog)
        campaign.llm_pipeline.submit("a job", lambda: time.sleep(0.5))
        assert not campaign._llm_may_draw()  # writing: no room for another job
    finally:
        campaign.llm_pipeline.close()
        campaign.close()


def test_the_model_repairs_the_newest_miss_of_an_optimization_still_unreached(
    tmp_path: Path, seeds: Path
) -> None:
    """A first visit of the pattern writer that missed is owed a repair; one whose optimization
    another program reached since is skipped (the model's minutes go where nothing reached)."""
    from fuzzfox.campaign import Campaign
    from fuzzfox.config import CampaignOptions
    from fuzzfox.generation.repair import ticket_for_run
    from fuzzfox.program import parse_program
    from oracles.verdict import Outcome, Verdict

    campaign = Campaign(tmp_path / "c", CampaignOptions(llm="none", seeds=[str(seeds)]))
    try:
        programs = {
            name: parse_program(
                f"# target: torch-inductor\n# optimization: {name}\n# origin: pattern\n"
                + SCRIPTED_BROKEN.format(columns=2).replace("torch.mm(x, x)", "torch.mm(x, x.t())")
            )
            for name in ("mm_plus_mm", "pre_grad.permute_matmul_fusion")
        }
        missed = Verdict(Outcome.PASS, "ok", triggers=[])
        for program in programs.values():
            ticket = ticket_for_run(program, missed)
            assert ticket is not None
            campaign._repairs.append(ticket)
        # Since those misses, some program reached permute_matmul_fusion (the newer ticket).
        reached = programs["pre_grad.permute_matmul_fusion"]
        campaign.store.add_programs([reached])
        batch = campaign.feedback.open_batch(0, reached.optimization, "synth", [], [reached], [])
        campaign.feedback.close_batch(batch, [(reached, [reached.optimization])])
        ticket = campaign._next_repair()
        assert ticket is not None and ticket.optimization == "mm_plus_mm"
        assert campaign._next_repair() is None
    finally:
        campaign.close()


def test_first_visits_go_to_code_no_visit_reached_before_more_variants_of_visited_code(
    tmp_path: Path, seeds: Path
) -> None:
    """Optimizations one function registers share its code: once one variant is visited, an
    unvisited variant weighs half as much as an optimization of code nothing visited yet."""
    import random
    from collections import Counter

    from fuzzfox.campaign import Campaign
    from fuzzfox.config import CampaignOptions
    from fuzzfox.generation.generators import PatternGenerator

    campaign = Campaign(tmp_path / "c", CampaignOptions(llm="none", seeds=[str(seeds)]))
    try:
        pattern = PatternGenerator(campaign.catalog)
        by_source: dict[str, list[str]] = {}
        for ident in sorted(pattern.writable - pattern.bundlable):
            by_source.setdefault(campaign.catalog[ident].source_hash, []).append(ident)
        visited, variant = next(group for group in by_source.values() if len(group) >= 2)[:2]
        alone = "decomposition.aten.lerp"
        campaign.options.optimizations = [visited, variant, alone]
        campaign.options.generators = {"pattern": 1.0}
        campaign.generators = {"pattern": pattern}
        assert campaign._visited_kin() == {}
        batch = campaign.feedback.open_batch(0, visited, "pattern", [], [], [("no code", "none", "")])
        campaign.feedback.close_batch(batch, [])  # a first visit that reached nothing
        assert campaign._visited_kin()[variant] == 1 and visited not in campaign._visited_kin()
        picks = Counter(campaign.draw(random.Random(n))[0] for n in range(900))  # type: ignore[index]
        assert 1.6 < picks[alone] / picks[variant] < 2.5, picks  # weights 1 vs 1/(1 + 1 visited kin)
    finally:
        campaign.close()


def test_first_visits_are_drawn_by_how_many_optimizations_they_make_calls_of(
    tmp_path: Path, seeds: Path
) -> None:
    """A decomposition's first visit bundles the calls of the table entries still owed theirs (up
    to six): with three owed, it is drawn three times as often as a pattern's, which visits one;
    with a single entry owed its call, no bundle is made and the two weigh alike."""
    import random
    from collections import Counter

    from fuzzfox.campaign import Campaign
    from fuzzfox.config import CampaignOptions
    from fuzzfox.generation.generators import PatternGenerator

    campaign = Campaign(tmp_path / "c", CampaignOptions(llm="none", seeds=[str(seeds)]))
    try:
        pattern = PatternGenerator(campaign.catalog)
        one = sorted(pattern.writable - pattern.bundlable)[0]  # a pattern: nothing visited, no kin
        table = sorted(pattern.bundlable)[:3]
        campaign.generators = {"pattern": pattern}
        campaign.options.generators = {"pattern": 1.0}
        campaign.options.optimizations = [one, *table]
        picks = Counter(campaign.draw(random.Random(n))[0] for n in range(600))  # type: ignore[index]
        assert 2.3 < sum(picks[o] for o in table) / 3 / picks[one] < 3.9, picks  # 3 calls vs 1
        campaign.options.optimizations = [one, table[0]]  # one entry owed: nothing to bundle with
        picks = Counter(campaign.draw(random.Random(n))[0] for n in range(400))  # type: ignore[index]
        assert 0.7 < picks[table[0]] / picks[one] < 1.4, picks
    finally:
        campaign.close()


def test_a_bundle_holds_calls_judged_alike_with_gradients_or_on_values_only(
    tmp_path: Path, seeds: Path
) -> None:
    """One call PyTorch does not gradcheck makes its program values-only: it is bundled with the
    likes of it, and a gradchecked first visit with gradchecked companions only."""
    import random

    from fuzzfox.campaign import Campaign
    from fuzzfox.config import CampaignOptions
    from fuzzfox.generation.generators import PatternGenerator
    from fuzzfox.generation.op_sample_programs import gradients_checked

    campaign = Campaign(tmp_path / "c", CampaignOptions(llm="none", seeds=[str(seeds)]))
    try:
        campaign.generators = {"pattern": PatternGenerator(campaign.catalog)}
        values_only = "lowering.aten.fmod"
        assert not gradients_checked(campaign.catalog[values_only])
        companions = campaign._bundle_companions(values_only, random.Random(0))
        assert companions and not any(gradients_checked(campaign.catalog[o]) for o in companions)
        companions = campaign._bundle_companions("decomposition.aten.lerp", random.Random(0))
        assert len(companions) > 1 and all(gradients_checked(campaign.catalog[o]) for o in companions)
        pattern = campaign.generators["pattern"]
        made = sum(pattern.calls(o, True) for o in ("decomposition.aten.lerp", *companions))
        assert made <= pattern.bundle  # the entries' distinct calls fit in the program's calls
    finally:
        campaign.close()


def test_a_shipped_requirement_for_the_current_source_spares_the_model_an_analysis(
    tmp_path: Path, seeds: Path
) -> None:
    import dataclasses
    import types

    from fuzzfox.campaign import Campaign
    from fuzzfox.config import CampaignOptions

    class NoModel:
        settings = types.SimpleNamespace(model="m")

        def complete(self, messages: list[dict[str, str]]) -> list[str]:
            raise AssertionError("the model was asked")

    campaign = Campaign(tmp_path / "c", CampaignOptions(llm="none", seeds=[str(seeds)]))
    try:
        campaign.llm_client = campaign.analysis_client = NoModel()
        optimization = campaign.catalog["pre_grad.permute_matmul_fusion"]
        assert campaign.requirement(optimization) == campaign.shipped[optimization.id].text
        changed = dataclasses.replace(optimization, source=optimization.source + "\n# changed")
        with pytest.raises(AssertionError, match="the model was asked"):
            campaign.requirement(changed)  # written for another source: derived again
    finally:
        campaign.close()


def test_the_default_oracles_catch_a_wrong_compiled_gradient(tmp_path: Path) -> None:
    """faulty_backward compiles the forward right and skews the backward: only gradients show it."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(PROGRAMS / "sigmoid_gate.py", seeds)
    found = {}
    for oracles in ("default", "values"):
        directory = tmp_path / oracles
        extra = ("--programs", "1", "--backends", "aot_eager,faulty_backward")
        args = campaign_args(directory, seeds, *extra, oracle=None if oracles == "default" else "values")
        result = run_cli("campaign", *args)
        assert result.returncode in (0, 1), result.stderr[-2000:]
        found[oracles] = query(directory, "SELECT outcome, symptom FROM runs")
    assert found["default"] == [("bug", "wrong_gradient")]
    assert [outcome for outcome, _ in found["values"]] == ["pass"]


def test_an_entry_other_programs_reached_is_still_owed_its_own_opinfo_call(
    tmp_path: Path, seeds: Path
) -> None:
    """A decomposition a seed reached with its defaults (gelu without approximate='tanh') has not
    had the call whose arguments take its other branches: it is bundled after the entries nothing
    reached, and with nothing else left the pattern writer still visits it first."""
    import random

    from fuzzfox.campaign import Campaign
    from fuzzfox.config import CampaignOptions
    from fuzzfox.generation.generators import PatternGenerator
    from fuzzfox.program import parse_program

    campaign = Campaign(tmp_path / "c", CampaignOptions(llm="none", seeds=[str(seeds)]))
    try:
        campaign.generators = {"pattern": PatternGenerator(campaign.catalog)}
        campaign.options.generators = {"pattern": 1.0}
        lead, unreached = "decomposition.aten.lerp", ["decomposition.aten.gelu", "decomposition.aten.celu"]
        reached = ["decomposition.aten.softplus", "decomposition.aten.mish", "decomposition.aten.silu",
                   "decomposition.aten.hardswish", "decomposition.aten.logit"]  # fmt: skip
        program = parse_program(
            "# target: torch-inductor\n# optimization: decomposition.aten.mm\n# origin: synth\n"
            + SCRIPTED_BROKEN.format(columns=2)
        )
        campaign.store.add_programs([program])
        batch = campaign.feedback.open_batch(0, program.optimization, "synth", [], [program], [])
        campaign.feedback.close_batch(batch, [(program, reached)])
        campaign.options.optimizations = [lead, *unreached, *reached]
        pattern = campaign.generators["pattern"]
        # room for the unreached entries' calls and for one reached entry's at most
        pattern.bundle = sum(pattern.calls(o, True) for o in (lead, *unreached))
        pattern.bundle += min(pattern.calls(o, True) for o in reached)

        companions = campaign._bundle_companions(lead, random.Random(0))
        assert set(companions[:2]) == set(unreached) and set(companions[2:]) < set(reached), companions
        assert len(companions) == 3
        owed = (set(reached) - set(companions)).pop()
        campaign.options.optimizations = [owed]
        assert campaign.draw(random.Random(0)) == (owed, "pattern")
        campaign._bundled.add(owed)
        assert campaign.draw(random.Random(0)) is None
    finally:
        campaign.close()


@requires_jax
def test_an_array_rule_synthesis_never_aimed_at_is_a_first_visit_of_one_program_even_when_reached(
    tmp_path: Path,
) -> None:
    """jax-xla: a rule a seed reached with its own arguments (``lax.rem.jvp`` through ``fmod`` by a
    constant) has not had a program built around it: op-graph synthesis visits it first with one
    program, then writes batches for it, and draws rules it never aimed at before it."""
    import random

    from fuzzfox.campaign import Campaign
    from fuzzfox.config import CampaignOptions
    from fuzzfox.generation.generators import SynthGenerator
    from fuzzfox.program import parse_program

    campaign = Campaign(tmp_path / "c", CampaignOptions(target="jax-xla", llm="none"))
    try:
        campaign.generators = {"synth": SynthGenerator(campaign.catalog)}
        campaign.options.generators = {"synth": 1.0}
        reached, other = "lax.rem.jvp", "lax.sort.jvp"
        seed = parse_program(
            "# target: jax-xla\n# optimization: lax.rem.jvp\n# origin: seed\n"
            "import jax.numpy as jnp\nimport numpy as np\n\n\ndef fn(x):\n    return jnp.fmod(x, 0.7)\n\n\n"
            "def make_inputs():\n    return (np.random.standard_normal((3,)).astype(np.float32),)\n"
        )
        campaign.store.add_programs([seed])
        batch = campaign.feedback.open_batch(0, reached, "mutate", [], [seed], [])
        campaign.feedback.close_batch(batch, [(seed, [reached])])

        first = campaign.generate(1, reached, "synth", random.Random(0))
        assert first is not None and len(first.program_ids) == 1
        campaign.options.optimizations = [reached, other]
        assert {campaign.draw(random.Random(n)) for n in range(20)} == {(other, "synth")}
        again = campaign.generate(2, reached, "synth", random.Random(1))
        assert again is not None and len(again.program_ids) == campaign.options.batch
    finally:
        campaign.close()
