"""Severity ranking: triage's table and every report format list wrong results first, then crashes,
status discrepancies and timeouts; within a kind, most members first, then first seen.

The store is written by hand with verdicts of each kind (no framework runs), clustered by the
real ``assign``, and read by the real report code.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from fuzzfox.report.data import gather
from fuzzfox.report.html import render_html
from fuzzfox.report.jsonout import render_json
from fuzzfox.report.markdown import render_markdown
from fuzzfox.triage.clusters import Cluster, Member, assign
from fuzzfox.triage.severity import SEVERITY, kind_of, ranked, severity, severity_label
from fuzzfox.triage.signature import Signature
from oracles.verdict import Outcome, Stage, Symptom, Verdict
from tests.triage.test_triage import CAT_BODIES, PASSING_BODIES, SIGMOID_BODIES, programs_of, recorded_store


def cluster(cid: str, symptom: Symptom, members: int, first_seen: float) -> Cluster:
    signature = Signature(symptom.value, "execution", "", "", (), (), (), "inductor")
    return Cluster(
        id=cid,
        signature=signature,
        members=[Member(f"p{cid}{i}", i, first_seen + i, "", "") for i in range(members)],
        first_seen=first_seen,
        last_seen=first_seen + members,
        reproduced=0,
        attempts=0,
        representative=f"p{cid}0",
        verdict=Verdict(Outcome.BUG, "x", symptom=symptom),
        minimized=None,
        rechecks=[],
    )


def test_every_symptom_has_a_kind_in_the_order_wrong_result_crash_status_timeout() -> None:
    assert [kind for kind, _ in SEVERITY] == ["wrong result", "crash", "status", "timeout"]
    assert {symptom for _, symptoms in SEVERITY for symptom in symptoms} == set(Symptom)
    assert [severity(s) for s in ("wrong_value", "wrong_gradient", "wrong_shape", "wrong_dtype")] == [1] * 4
    assert [severity_label(s) for s in ("crash", "status", "timeout")] == ["2 crash", "3 status", "4 timeout"]
    assert (severity("something_new"), kind_of("something_new")) == (5, "other")


def test_ranked_by_kind_then_members_then_first_seen() -> None:
    clusters = [
        cluster("timeout", Symptom.TIMEOUT, members=9, first_seen=1.0),
        cluster("status", Symptom.STATUS, members=5, first_seen=2.0),
        cluster("crash-small-early", Symptom.CRASH, members=1, first_seen=3.0),
        cluster("crash-big", Symptom.CRASH, members=4, first_seen=9.0),
        cluster("gradient-late", Symptom.WRONG_GRADIENT, members=2, first_seen=8.0),
        cluster("shape-early", Symptom.WRONG_SHAPE, members=2, first_seen=4.0),
        cluster("value-single", Symptom.WRONG_VALUE, members=1, first_seen=0.5),
    ]
    assert [c.id for c in ranked(clusters)] == [
        "shape-early",  # wrong results first: 2 members, seen before the gradient's 2
        "gradient-late",
        "value-single",
        "crash-big",  # more members first, however late
        "crash-small-early",
        "status",
        "timeout",  # last whatever its size
    ]
    assert ranked(reversed(clusters)) == ranked(clusters)


def _verdict(symptom: Symptom, stage: Stage, **fields: object) -> Verdict:
    return Verdict(Outcome.BUG, f"{symptom.value}", symptom=symptom, stage=stage, **fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One timeout (recorded first), one status (3 programs), one crash (2), one wrong gradient
    (1, recorded last): first seen, they come in the reverse of their severity."""
    hang = _verdict(Symptom.TIMEOUT, Stage.EXECUTION, backend="inductor")
    status = _verdict(Symptom.STATUS, Stage.EXECUTION, backend="inductor")
    crash = _verdict(Symptom.CRASH, Stage.COMPILATION, backend="inductor", signal=11)
    gradient = _verdict(Symptom.WRONG_GRADIENT, Stage.VERIFICATION, backend="forward-vs-numeric")
    programs = programs_of(SIGMOID_BODIES + CAT_BODIES + PASSING_BODIES, 7, "ranking")
    runs = [(programs[0], hang), *((p, status) for p in programs[1:4])]
    runs += [(programs[4], crash), (programs[5], crash), (programs[6], gradient)]
    directory = recorded_store(tmp_path_factory.mktemp("ranking"), runs)
    assert assign(directory).new_clusters == 4
    return directory


def test_reports_list_bugs_most_severe_kind_first(campaign: Path) -> None:
    data = gather(campaign)
    order = ["wrong_gradient", "crash", "status", "timeout"]
    assert [bug.cluster.signature.symptom for bug in data.bugs] == order
    assert [len(bug.cluster.members) for bug in data.bugs] == [1, 2, 3, 1]

    report = json.loads(render_json(data))
    assert [(b["signature"]["symptom"], b["kind"], b["severity"]) for b in report["bugs"]] == [
        ("wrong_gradient", "wrong result", 1),
        ("crash", "crash", 2),
        ("status", "status", 3),
        ("timeout", "timeout", 4),
    ]
    markdown = render_markdown(data)
    headings = [line for line in markdown.splitlines() if line.startswith("### ") and ". [" in line]
    assert [heading.split("] ", 1)[1].split(" ", 1)[0] for heading in headings] == order
    assert headings[0].startswith(
        "### 1. [wrong result] wrong_gradient at verification in forward-vs-numeric"
    )
    assert "| severity | 2 crash (of 4: 1 wrong result, 2 crash, 3 status, 4 timeout) |" in markdown
    html = render_html(data)
    positions = [html.index(f'id="bug-{bug.cluster.id}"') for bug in data.bugs]
    assert positions == sorted(positions)
    assert '<span class="badge warn">4 timeout</span>' in html


def test_triage_table_shows_the_severity_and_ranks(
    campaign: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fuzzfox.cli import triage as cli_triage
    from fuzzfox.cli.args import EXIT_CLEAN
    from fuzzfox.triage import reproduce
    from fuzzfox.triage.clusters import load_clusters

    stored = load_clusters(campaign)  # oldest first sighting first: timeout, status, crash, gradient
    assert [c.signature.symptom for c in stored] == ["timeout", "status", "crash", "wrong_gradient"]
    monkeypatch.setattr(reproduce, "triage", lambda *_: stored)  # no re-runs: the table only
    args = argparse.Namespace(
        campaign=campaign,
        reruns=1,
        no_minimize=True,
        budget_tests=1,
        budget_seconds=1.0,
        jobs=1,
        minimize_known=False,
    )
    assert cli_triage.command_triage(args, lambda _: None) == EXIT_CLEAN
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line[:1].isalnum() and not line.startswith("7 bug")]
    assert [(row[0], " ".join(row[1:3])) for row in rows] == [
        (stored[3].id, "1 wrong"),
        (stored[2].id, "2 crash"),
        (stored[1].id, "3 status"),
        (stored[0].id, "4 timeout"),
    ]
    assert "7 bug candidates in 4 clusters (1 wrong result, 1 crash, 1 status, 1 timeout;" in out
