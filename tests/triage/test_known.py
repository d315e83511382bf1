"""Known bugs (:mod:`fuzzfox.triage.known`): a cluster that shows a regression program's bug is
named after it and not minimized; one that does not is minimized as before."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from pathlib import Path

import pytest

from fuzzfox.triage.clusters import load_clusters
from fuzzfox.triage.known import REGRESSIONS, KnownBug, regression_programs
from fuzzfox.triage.signature import Signature, holds_known_bug
from tests.conftest import requires_tf, requires_torch, run_cli

TF_BUG = "tensor_scatter_add_forward_over_reverse.py"


def test_a_program_holds_a_known_silent_bug_when_it_has_every_op_and_rule_the_bug_needs() -> None:
    known = Signature(
        "wrong_value", "verification", "", "", (),
        ("lowering.aten.add", "quantization.qlinear_post_op_fusion#0ddb1d7b"),
        ("torch.nn.functional.linear", "torch.ops.aten.add.Tensor"), "inductor", "input",
    )  # fmt: skip
    bigger = dataclasses.replace(
        known,
        ops=(*known.ops, "torch.relu", ".to"),
        optimizations=("quantization.qlinear_post_op_fusion#7227cea5", "lowering.aten.relu"),
    )
    assert holds_known_bug(bigger, known)
    assert not holds_known_bug(dataclasses.replace(bigger, ops=("torch.nn.functional.linear",)), known)
    assert not holds_known_bug(dataclasses.replace(bigger, optimizations=("lowering.aten.add",)), known)
    assert not holds_known_bug(dataclasses.replace(bigger, leaf="output"), known)  # a wrong output
    crash = Signature(
        "crash", "compilation", "RuntimeError", "boom <n>", ("torch/a.py in f",), (), (), "inductor"
    )
    assert holds_known_bug(crash, crash)
    assert not holds_known_bug(dataclasses.replace(crash, frames=("torch/b.py in g",)), crash)


def test_a_silent_bug_of_a_rule_family_is_known_after_any_rule_of_it_showing_its_text() -> None:
    """fuse_attention registers one pattern as _sfdp_pattern_7 to 10, with other ops each."""
    family = ("fuse_attention._sfdp_pattern_7_inference", "fuse_attention._sfdp_pattern_10_training")
    known = KnownBug(
        "corpus/regressions/torch-inductor/half_cast.py", "d",
        Signature(
            "wrong_dtype", "verification", "", "", (), (family[0],), (".permute", ".to", "torch.softmax"),
            "inductor", "output",
        ),
        match="dtype: eager float16 vs compiled float32", family=family,
    )  # fmt: skip
    other_variant = dataclasses.replace(
        known.signature, optimizations=(family[1], "joint_graph.bmm_to_mm"), ops=(".transpose", ".to")
    )
    text = "values: inductor: wrong_dtype at verification: dtype: eager float16 vs compiled float32"
    assert known.shown_by(other_variant, text)
    assert not holds_known_bug(other_variant, known.signature)  # without the family: other ops and rule
    assert not known.shown_by(other_variant, text.replace("float16", "bfloat16"))  # another dtype bug
    outside = dataclasses.replace(other_variant, optimizations=("fuse_attention._sfdp_pattern_1_inference",))
    assert not known.shown_by(outside, text)
    assert not known.shown_by(dataclasses.replace(other_variant, symptom="wrong_value"), text)


def test_the_regression_programs_of_a_target_load() -> None:
    names = [Path(p.path).name for p in regression_programs("tf-xla")]
    assert TF_BUG in names
    assert regression_programs("no-such-target") == []


@requires_tf
def test_triage_names_a_cluster_of_a_known_bug_and_does_not_minimize_it(tmp_path: Path) -> None:
    source = (REGRESSIONS / "tf-xla" / TF_BUG).read_text()
    source = "\n".join(
        line
        for line in source.splitlines()
        if not re.match(r"# (expect|symptom|match|confirmed|issue):", line)
    )
    # the known bug inside a bigger program, as a campaign meets it
    source = source.replace("** 2\n", "** 2 + tf.sin(x) * 0.5\n")
    (tmp_path / "scatter.py").write_text(source + "\n")
    campaign = tmp_path / "c"
    found = run_cli(
        "run", str(tmp_path / "scatter.py"), "--campaign", str(campaign), "--oracle", "values,grads"
    )
    assert found.returncode == 1, found.stdout[-2000:] + found.stderr[-2000:]
    triaged = run_cli("triage", str(campaign), "--reruns", "1", "--jobs", "1")
    assert triaged.returncode == 0, triaged.stderr[-2000:]
    known = len(regression_programs("tf-xla"))
    assert f"judging {known} regression program(s) of tf-xla: the known bugs" in triaged.stderr
    assert f"the known bug corpus/regressions/tf-xla/{TF_BUG}: not minimized" in triaged.stderr
    (cluster,) = load_clusters(campaign)
    assert cluster.known_bug is not None and cluster.known_bug.path.endswith(TF_BUG)
    assert cluster.minimized is None
    assert TF_BUG in triaged.stdout  # the table's known column
    db = sqlite3.connect(campaign / "fuzzfox.sqlite")
    assert db.execute("SELECT COUNT(*) FROM minimized").fetchone()[0] == 0


@requires_torch
@pytest.mark.slow  # triage judges every torch regression program: ~2 min on 2 cores
def test_two_known_bugs_at_one_place_are_two_clusters_each_named_after_its_own(tmp_path: Path) -> None:
    """Two silent wrong values of Inductor (pattern 15's mask == 1, pattern 18's where fill) are
    one cluster until one is named: the named cluster takes its regression's ops and lets the
    other bug go, which founds its own cluster and is named after its own regression."""
    names = ["fuse_attention_mask_equals_one.py", "fuse_attention_where_fill_ignored.py"]
    for name in names:
        source = (REGRESSIONS / "torch-inductor" / name).read_text()
        kept = [
            line
            for line in source.splitlines()
            if not re.match(r"# (expect|symptom|match|confirmed|issue|family|oracle):", line)
        ]
        (tmp_path / name).write_text("\n".join(kept) + "\n")
    campaign = tmp_path / "c"
    found = run_cli(
        "run", *(str(tmp_path / name) for name in names), "--campaign", str(campaign), "--oracle", "values"
    )
    assert found.returncode == 1, found.stdout[-2000:] + found.stderr[-2000:]
    triaged = run_cli("triage", str(campaign), "--reruns", "1", "--jobs", "2")
    assert triaged.returncode == 0, triaged.stderr[-2000:]
    assert "1 member(s) that do not show it detached" in triaged.stderr, triaged.stderr[-3000:]
    clusters = load_clusters(campaign)
    named = sorted(Path(c.known_bug.path).name for c in clusters if c.known_bug is not None)
    assert len(clusters) == 2 and named == names, [(c.id, c.known_bug, len(c.members)) for c in clusters]
