"""Triage: clusters in the store, reproduction, minimization and rechecks on real faulty backends.

The demonstration campaign runs small generated programs through two deliberately wrong
compilers (oracles/torch/faulty_backends.py): ``faulty_sigmoid`` (every sigmoid off by 1e-3) and
``faulty_cat_segfault`` (compiling a concatenation segfaults).  ``fuzzfox triage`` must collapse
the candidates into one cluster per injected fault, leave passing programs out, and ``fuzzfox
recheck`` must call both fixed under the correct backend and still failing under the faulty ones.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest

from fuzzfox.program import Program, parse_program
from fuzzfox.runner import RunOptions, replay, run_description
from fuzzfox.sandbox.isolation import Limits
from fuzzfox.store import Store, config_key
from fuzzfox.triage.clusters import ClusterStore, KnownLabel, Minimized, assign, load_clusters
from fuzzfox.triage.reproduce import classify, recorded_settings, refined_signature, reproducer
from fuzzfox.triage.signature import holds_known_bug, signature_of
from oracles.verdict import Outcome, Stage, Symptom, Verdict
from tests.conftest import requires_torch, run_cli

HEADER = "# target: torch-inductor\n# optimization: {optimization}\n# origin: test\n# parent: -\n"
TEMPLATE = """\
import torch


def fn(x, y):
    {body}


def make_inputs():
    return (torch.randn({shape}), torch.randn({shape}))
"""
SHAPES = ["4, 6", "3, 5", "8, 2", "2, 7", "5, 5", "6, 3", "2, 9", "7, 4"]
# Surroundings for the sigmoid: every program differs, only the broken op is common.
SIGMOID_BODIES = [
    "return torch.sigmoid(x) * y",
    "return torch.sigmoid(x + y).sum(dim=0)",
    "return x.sigmoid() - y.tanh()",
    "return torch.sigmoid(x.relu() * 2.0) + y",
    "return (torch.sigmoid(x) * torch.sigmoid(y)).mean(dim=1)",
    "return torch.sigmoid(x.exp().clamp(max=3.0)) / (y.abs() + 1.0)",
    "return torch.nn.functional.sigmoid(x).permute(1, 0) * 3.0",
    "return torch.sigmoid(torch.maximum(x, y)).cumsum(dim=1)",
]
CAT_BODIES = [
    "return torch.cat([x, y], dim=0).exp()",
    "return torch.cat([x * 2.0, y.relu()], dim=1).sum(dim=0)",
    "return torch.cat([x.t(), y.t()], dim=1) - 1.0",
    "return torch.concat([x.tanh(), y], dim=0).amax(dim=0)",
]
PASSING_BODIES = [
    "return x.relu() * 2.0 + y.tanh()",
    "return (x - y).abs().sum(dim=1)",
    "return torch.maximum(x, y).exp().mean(dim=0)",
    "return x.permute(1, 0) * 0.5 + y.t()",
]
SIGMOID_BACKENDS = ["aot_eager", "faulty_sigmoid"]
CAT_BACKENDS = ["aot_eager", "faulty_cat_segfault"]
BOTH_FAULTY_BACKENDS = ["aot_eager", "faulty_sigmoid", "faulty_cat_segfault"]


def make_program(body: str, shape: str, optimization: str) -> Program:
    return parse_program(HEADER.format(optimization=optimization) + TEMPLATE.format(body=body, shape=shape))


def programs_of(bodies: list[str], count: int, optimization: str) -> list[Program]:
    """``count`` distinct programs: each body with a new shape every time it comes round again."""
    return [
        make_program(bodies[i % len(bodies)], SHAPES[(i + i // len(bodies)) % len(SHAPES)], optimization)
        for i in range(count)
    ]


# -- clusters in the store, on hand-made verdicts (no framework) ---------------------------------


def wrong_value(backend: str = "faulty_sigmoid", triggers: tuple[str, ...] = ()) -> Verdict:
    return Verdict(
        Outcome.BUG,
        f"{backend}: wrong_value",
        symptom=Symptom.WRONG_VALUE,
        stage=Stage.VERIFICATION,
        backend=backend,
        triggers=list(triggers),
    )


def segfault() -> Verdict:
    return Verdict(
        Outcome.BUG,
        "faulty_cat_segfault: died of signal 11 during compile",
        symptom=Symptom.CRASH,
        stage=Stage.COMPILATION,
        backend="faulty_cat_segfault",
        signal=11,
    )


def recorded_store(tmp_path: Path, runs: list[tuple[Program, Verdict]]) -> Path:
    store = Store(tmp_path)
    key = config_key(run_description("torch-inductor", {"backends": SIGMOID_BACKENDS}, "test"))
    store.add_config(key, run_description("torch-inductor", {"backends": SIGMOID_BACKENDS}, "test"))
    store.add_programs(program for program, _ in runs)
    for program, verdict in runs:
        store.record(program, key, verdict)
    store.close()
    return tmp_path


def test_assign_is_incremental_and_refines_silent_clusters_after_minimization(tmp_path: Path) -> None:
    sigmoids = programs_of(SIGMOID_BODIES, 3, "sigmoid")
    cats = programs_of(CAT_BODIES, 2, "cat")
    passing = programs_of(PASSING_BODIES, 2, "pass")
    campaign = recorded_store(
        tmp_path,
        [(p, wrong_value(triggers=("fusion",))) for p in sigmoids]
        + [(p, segfault()) for p in cats]
        + [(p, Verdict(Outcome.PASS, "agrees")) for p in passing],
    )
    first = assign(campaign)
    assert (first.assigned, first.new_clusters, first.clusters) == (5, 2, 2)
    assert assign(campaign).assigned == 0  # members already assigned are skipped

    clusters = {c.signature.symptom: c for c in load_clusters(campaign)}
    silent, crash = clusters["wrong_value"], clusters["crash"]
    assert {m.program_id for m in silent.members} == {p.id for p in sigmoids}
    assert {m.program_id for m in crash.members} == {p.id for p in cats}
    assert not {p.id for p in passing} & {m.program_id for c in clusters.values() for m in c.members}
    assert silent.signature.ops == () and silent.first_seen <= silent.last_seen
    assert silent.representative == min(sigmoids, key=lambda p: len(p.source)).id

    # more fuzzing: a smaller sigmoid program joins, and a tanh-only wrong value (another bug
    # of the same backend) joins too while the cluster's ops are still unknown
    smaller = make_program("return torch.sigmoid(x)", "2, 2", "sigmoid")
    tanh_only = make_program("return torch.tanh(x) * y + 1.0", "3, 3", "tanh")
    store = Store(campaign)
    store.add_programs([smaller, tanh_only])
    key = store.db.execute("SELECT key FROM configs").fetchone()[0]
    store.record(smaller, key, wrong_value(triggers=("fusion",)))
    store.record(tanh_only, key, wrong_value(triggers=("fusion", "other")))
    store.close()
    assert assign(campaign).assigned == 2
    with ClusterStore(campaign) as clusters_store:
        silent = next(c for c in clusters_store.clusters() if c.id == silent.id)
        assert len(silent.members) == 5
        assert silent.representative == smaller.id  # not re-run yet: the smallest represents it

        # minimization says the bug needs torch.sigmoid: the tanh-only member is detached
        clusters_store.record_reproduction(silent.id, 3, 3)
        refined = refined_signature(silent, smaller.source, wrong_value(triggers=("fusion",)))
        assert refined.ops == ("torch.sigmoid",) and refined.optimizations == ("fusion",)
        minimized = Minimized(smaller.source, 1, 1, 9, 9, True, 0.5)
        clusters_store.record_minimized(silent.id, minimized, refined)
        assert clusters_store.detach_strays(silent.id) == 1
        minimized_cluster = next(c for c in clusters_store.clusters() if c.id == silent.id)
        assert reproducer(clusters_store, minimized_cluster).source == smaller.source
        again = clusters_store.assign()
        assert (again.assigned, again.new_clusters, again.clusters) == (1, 1, 3)
    by_id = {c.id: c for c in load_clusters(campaign)}
    assert {m.program_id for m in by_id[silent.id].members} == {smaller.id, *(p.id for p in sigmoids)}
    assert by_id[silent.id].minimized == minimized
    assert by_id[silent.id].signature.title() == (
        "wrong_value at verification in faulty_sigmoid; ops torch.sigmoid; after fusion"
    )
    newcomer = next(c for c in by_id.values() if c.id not in (silent.id, crash.id))
    assert [m.program_id for m in newcomer.members] == [tanh_only.id]


def test_clusters_whose_minimized_signatures_are_one_bug_are_folded_into_the_oldest(tmp_path: Path) -> None:
    # The smaller program represents the first cluster; the other lacks its torch.ones.
    with_ones = make_program("return torch.sigmoid(x) * torch.ones(3, 3)", "3, 3", "fusion")
    with_relu = make_program("return torch.sigmoid(x).relu() + y.abs() + y", "3, 3", "fusion")
    campaign = recorded_store(
        tmp_path,
        [
            (with_ones, wrong_value(triggers=("fusion",))),
            (with_relu, wrong_value(triggers=("fusion", "relu_fusion"))),
        ],
    )
    with ClusterStore(campaign) as store:
        store.assign()
        (founded,) = store.clusters()  # silent and not minimized yet: one cluster for both
        # Minimization kept torch.ones: the relu program's ops do not nest with those, so it is a
        # stray and founds a second cluster.
        first = dataclasses.replace(
            founded.signature, ops=("torch.sigmoid", "torch.ones"), optimizations=("fusion",)
        )
        store.record_minimized(founded.id, Minimized(with_ones.source, 1, 1, 9, 9, True, 0.5), first)
        assert store.detach_strays(founded.id) == 1
        store.assign()
        second = next(c for c in store.clusters() if c.id != founded.id)
        assert store.merge_same_bugs() == 0  # the second one is not minimized yet
        # Its minimized program needs only sigmoid, after both optimizations: the same bug.
        refined = dataclasses.replace(
            second.signature, ops=("torch.sigmoid",), optimizations=("fusion", "relu_fusion")
        )
        store.record_minimized(second.id, Minimized(with_relu.source, 1, 1, 9, 9, True, 0.5), refined)
        assert store.merge_same_bugs() == 1
        (merged,) = store.clusters()
    assert merged.id == founded.id and merged.minimized.source == with_ones.source
    assert {m.program_id for m in merged.members} == {with_ones.id, with_relu.id}


def test_clusters_whose_minimized_signatures_differ_stay_apart(tmp_path: Path) -> None:
    sigmoid = make_program("return torch.sigmoid(x) * torch.ones(3, 3)", "3, 3", "fusion")
    tanh = make_program("return torch.tanh(x).relu() + y.abs() + y + y", "3, 3", "fusion")
    campaign = recorded_store(tmp_path, [(p, wrong_value(triggers=("fusion",))) for p in (sigmoid, tanh)])
    with ClusterStore(campaign) as store:
        store.assign()
        (founded,) = store.clusters()
        first = dataclasses.replace(
            founded.signature, ops=("torch.sigmoid", "torch.ones"), optimizations=("fusion",)
        )
        store.record_minimized(founded.id, Minimized(sigmoid.source, 1, 1, 9, 9, True, 0.5), first)
        assert store.detach_strays(founded.id) == 1
        store.assign()
        second = next(c for c in store.clusters() if c.id != founded.id)
        other = dataclasses.replace(second.signature, ops=("torch.tanh",), optimizations=("fusion",))
        store.record_minimized(second.id, Minimized(tanh.source, 1, 1, 9, 9, True, 0.5), other)
        assert store.merge_same_bugs() == 0
        assert len(store.clusters()) == 2


def test_a_cluster_named_as_a_known_bug_takes_its_ops_and_lets_other_bugs_go(tmp_path: Path) -> None:
    """A silent cluster named after a regression program is not minimized: it takes the known
    bug's ops and rules, and a member without them (another bug that joined while the ops were
    unknown) founds a cluster of its own instead of hiding in the known one."""
    sigmoids = programs_of(SIGMOID_BODIES, 2, "sigmoid")
    tanh_only = make_program("return torch.tanh(x) * y + 1.0", "3, 3", "tanh")
    campaign = recorded_store(
        tmp_path, [(p, wrong_value(triggers=("fusion",))) for p in [*sigmoids, tanh_only]]
    )
    known = dataclasses.replace(
        signature_of(wrong_value(triggers=("fusion",))), ops=("torch.sigmoid",), optimizations=("fusion",)
    )
    with ClusterStore(campaign) as store:
        store.assign()
        (founded,) = store.clusters()  # ops unknown: the tanh program joined the sigmoid bug
        assert len(founded.members) == 3
        holder = store.record_known_bug(founded.id, KnownLabel("sigmoid.py", "the sigmoid bug"), known)
        assert holder == founded.id
        assert store.detach_strays(holder, lambda member, _: holds_known_bug(member, known)) == 1
        again = store.assign()
        assert (again.assigned, again.new_clusters) == (1, 1)  # not back into the known cluster
        by_id = {c.id: c for c in store.clusters()}
    assert by_id[founded.id].signature.ops == ("torch.sigmoid",)
    assert by_id[founded.id].known_bug is not None and by_id[founded.id].minimized is None
    assert {m.program_id for m in by_id[founded.id].members} == {p.id for p in sigmoids}
    (newcomer,) = (c for c in by_id.values() if c.id != founded.id)
    assert [m.program_id for m in newcomer.members] == [tanh_only.id]


def test_recorded_settings_come_from_the_store_and_the_campaign_limits(tmp_path: Path) -> None:
    campaign = recorded_store(tmp_path, [(programs_of(CAT_BODIES, 1, "cat")[0], segfault())])
    assign(campaign)
    with ClusterStore(campaign) as store:
        cluster = store.clusters()[0]
        run = recorded_settings(store.db, store.config_key(cluster.id))
        assert (run.target, run.settings, run.limits) == (
            "torch-inductor",
            {"backends": SIGMOID_BACKENDS},
            Limits(),
        )
        store.db.execute("CREATE TABLE campaign_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        store.db.execute(
            "INSERT INTO campaign_meta VALUES ('options', ?)", (json.dumps({"timeout": 30, "memory_gb": 4}),)
        )
        run = recorded_settings(store.db, store.config_key(cluster.id))
        assert run.limits == Limits(timeout_s=30.0, memory_bytes=4 << 30)


def test_recheck_status_from_the_reproducers_runs() -> None:
    program = make_program("return torch.sigmoid(x)", "2, 2", "sigmoid")
    expected = signature_of(wrong_value(), program.source)
    passed = Verdict(Outcome.PASS, "agrees")
    assert classify([wrong_value(), passed], program, expected) == ("still failing", "1/2 runs show it")
    assert classify([passed, passed], program, expected) == ("fixed", "2/2 runs pass")
    assert classify([segfault()], program, expected) == (
        "changed",
        "now crash at compilation in faulty_cat_segfault: SIGSEGV",
    )
    invalid = Verdict(Outcome.INVALID, "the program fails without any compiler")
    assert classify([invalid], program, expected)[0] == "changed"
    assert classify([wrong_value(backend="inductor")], program, expected)[0] == "changed"


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    missing = run_cli("triage", str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert (
        missing.stderr.strip()
        == f"fuzzfox: error: {tmp_path / 'nowhere'} is not a campaign directory (no fuzzfox.sqlite in it)"
    )
    campaign = recorded_store(
        tmp_path / "c", [(programs_of(PASSING_BODIES, 1, "pass")[0], Verdict(Outcome.PASS, "ok"))]
    )
    no_bugs = run_cli("triage", str(campaign))
    assert no_bugs.returncode == 2
    assert no_bugs.stderr.strip().endswith(f"no bug candidates recorded in {campaign} (1 runs)")
    no_clusters = run_cli("recheck", str(campaign))
    assert no_clusters.returncode == 2
    assert "run `fuzzfox triage" in no_clusters.stderr


# -- the demonstration: real programs, real faulty compilers -------------------------------------


def judge_into(campaign: Path, programs: list[Program], backends: list[str], probe: bool) -> list[Verdict]:
    settings = {"backends": backends, "inductor_config": {}, "eager_reruns": 2, "probe": probe}
    options = RunOptions(campaign, jobs=1, settings=settings, limits=Limits(timeout_s=120))
    return [result.verdict for result in replay(programs, options)]


def table_rows(stdout: str) -> dict[str, str]:
    """Table lines by cluster id (the first column)."""
    return {line.split()[0]: line for line in stdout.splitlines() if line[:1].isalnum()}


def build_campaign(
    campaign: Path, sigmoids: int, cats: int, passing: int, one_config: bool
) -> dict[str, list[Program]]:
    """Sigmoid and passing programs under faulty_sigmoid, cat programs under faulty_cat_segfault:
    in one run with both backends (``one_config``: fewer sandbox starts), or in two runs recorded
    with different settings (triage must re-run each bug under its own)."""
    made = {
        "sigmoid": programs_of(SIGMOID_BODIES, sigmoids, "sigmoid"),
        "cat": programs_of(CAT_BODIES, cats, "cat"),
        "pass": programs_of(PASSING_BODIES, passing, "pass"),
    }
    if one_config:
        verdicts = judge_into(
            campaign, made["sigmoid"] + made["pass"] + made["cat"], BOTH_FAULTY_BACKENDS, False
        )
    else:
        verdicts = judge_into(campaign, made["sigmoid"] + made["pass"], SIGMOID_BACKENDS, True)
        verdicts += judge_into(campaign, made["cat"], CAT_BACKENDS, True)
    assert len({p.id for programs in made.values() for p in programs}) == sigmoids + cats + passing
    outcomes = [v.outcome.value for v in verdicts]
    assert outcomes == ["bug"] * sigmoids + ["pass"] * passing + ["bug"] * cats, [v.summary for v in verdicts]
    return made


def check_two_clusters(campaign: Path, made: dict[str, list[Program]], reruns: int) -> dict[str, object]:
    clusters = {c.signature.backend: c for c in load_clusters(campaign)}
    assert set(clusters) == {"faulty_sigmoid", "faulty_cat_segfault"}
    sigmoid, cat = clusters["faulty_sigmoid"], clusters["faulty_cat_segfault"]
    assert {m.program_id for m in sigmoid.members} == {p.id for p in made["sigmoid"]}
    assert {m.program_id for m in cat.members} == {p.id for p in made["cat"]}
    clustered = {m.program_id for c in clusters.values() for m in c.members}
    assert not clustered & {p.id for p in made["pass"]}
    assert (sigmoid.signature.symptom, cat.signature.symptom, cat.signature.exception_type) == (
        "wrong_value",
        "crash",
        "SIGSEGV",
    )
    assert (sigmoid.reproduced, sigmoid.attempts, cat.reproduced, cat.attempts) == (reruns,) * 4
    return {"sigmoid": sigmoid, "cat": cat}


@requires_torch
@pytest.mark.slow  # ~57 s; triage, recheck, fixed and still failing on real runs: tests/report's real triage
def test_triage_collapses_faulty_backend_bugs_into_one_cluster_each_and_recheck_tells_fixed(
    tmp_path: Path,
) -> None:
    campaign = tmp_path / "campaign"
    started = time.monotonic()
    made = build_campaign(campaign, sigmoids=2, cats=2, passing=1, one_config=True)
    built = time.monotonic() - started

    result = run_cli("triage", str(campaign), "--reruns", "2", "--no-minimize", "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert "4 bug candidates in 2 clusters" in result.stdout
    clusters = check_two_clusters(campaign, made, reruns=2)
    rows = table_rows(result.stdout)
    assert rows[clusters["sigmoid"].id].split()[-9:-7] == ["2", "2/2"]
    assert "reproduced 2/2" in result.stderr
    again = run_cli("triage", str(campaign), "--no-minimize")  # nothing new: nothing re-runs
    assert again.returncode == 0 and "0 new candidates clustered" in again.stderr
    assert "re-running" not in again.stderr

    fixed = run_cli("recheck", str(campaign), "--backends", "aot_eager,inductor", "--jobs", "1")
    assert fixed.returncode == 0, fixed.stderr
    assert "2 of 2 bugs fixed" in fixed.stdout
    failing = run_cli("recheck", str(campaign), "--jobs", "1")
    assert failing.returncode == 1, failing.stderr
    assert "0 of 2 bugs fixed" in failing.stdout
    history = {c.signature.backend: [r.status for r in c.rechecks] for c in load_clusters(campaign)}
    assert history == {
        "faulty_sigmoid": ["fixed", "still failing"],
        "faulty_cat_segfault": ["fixed", "still failing"],
    }
    print(f"campaign built in {built:.0f}s, total {time.monotonic() - started:.0f}s")


@requires_torch
@pytest.mark.slow
def test_bigger_campaign_minimized_to_the_broken_op(tmp_path: Path) -> None:
    campaign = tmp_path / "campaign"
    made = build_campaign(campaign, sigmoids=16, cats=4, passing=4, one_config=False)
    result = run_cli("triage", str(campaign), "--reruns", "3", "--budget-tests", "40", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert "20 bug candidates in 2 clusters" in result.stdout, result.stdout + result.stderr
    clusters = check_two_clusters(campaign, made, reruns=3)
    for cluster in clusters.values():
        assert cluster.minimized is not None
        assert cluster.minimized.tokens_after < cluster.minimized.tokens_before
    assert "sigmoid" in " ".join(clusters["sigmoid"].signature.ops)
    fixed = run_cli("recheck", str(campaign), "--backends", "aot_eager,inductor")
    assert fixed.returncode == 0 and "2 of 2 bugs fixed" in fixed.stdout, fixed.stdout + fixed.stderr
