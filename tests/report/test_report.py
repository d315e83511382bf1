"""``fuzzfox report`` on a real campaign: programs judged in the sandbox, clustered by triage.

The campaign is made once per module: four tiny programs run by ``fuzzfox run`` against the
deliberately wrong ``faulty_sigmoid`` backend (three wrong values, one clean program), one more
against ``faulty_cat_segfault`` (a native crash while compiling), then ``assign`` groups the bug
candidates into clusters.  The crashing program, its cluster's only member and so shown in the
report, carries markup in a comment, to check that the HTML escapes what programs contain.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest

from fuzzfox.report.data import Timeline, gather
from fuzzfox.report.facts import summary_rows
from fuzzfox.report.fmt import fenced, markdown_table
from fuzzfox.report.plot import nice_ticks, timeline_svg
from fuzzfox.sandbox.pool import default_cache_dir
from fuzzfox.store import Store
from tests.conftest import requires_torch, run_cli

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE_COMMENT = '# shown as text, never as markup: </pre><script>alert("fuzzfox")</script> & <b>bold</b>'

PROGRAMS = {
    "sigmoid_scale.py": """# target: torch-inductor
# optimization: pointwise_fusion
# origin: test
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.sigmoid(x) * 2.0


def make_inputs():
    return (torch.randn(4, 8),)
""",
    "sigmoid_add.py": """# target: torch-inductor
# optimization: pointwise_fusion
# origin: test
import torch


def fn(x, y):
    return (x.sigmoid() + y).sum(dim=1)


def make_inputs():
    return (torch.randn(4, 8), torch.randn(4, 8))
""",
    "permute_sigmoid.py": """# target: torch-inductor
# optimization: joint_graph.pointless_permute_pair
# origin: test
import torch


def fn(x):
    return x.permute(0, 2, 1).permute(0, 2, 1).sigmoid()


def make_inputs():
    return (torch.randn(2, 4, 8),)
""",
    "relu_clean.py": """# target: torch-inductor
# optimization: pointwise_fusion
# origin: test
import torch


def fn(x):
    return torch.relu(x) + 1.0


def make_inputs():
    return (torch.randn(4, 8),)
""",
}
CAT_PROGRAM = f"""# target: torch-inductor
# optimization: split_cat.merge_getitem_cat
# origin: test
import torch

{HOSTILE_COMMENT}


def fn(x, y):
    return torch.cat([x, y], dim=0) * 2.0


def make_inputs():
    return (torch.randn(2, 3), torch.randn(2, 3))
"""


def _write_programs(folder: Path, programs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in programs.items():
        (folder / name).write_text(source)
    return folder


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fuzzfox.triage.clusters import assign

    root = tmp_path_factory.mktemp("report")
    directory = root / "campaign-a"
    sigmoid = run_cli(
        "run",
        str(_write_programs(root / "sigmoid", PROGRAMS)),
        "--campaign",
        str(directory),
        "--backends",
        "aot_eager,faulty_sigmoid",
        "--jobs",
        "1",
        "--quiet",
    )
    assert sigmoid.returncode == 1, sigmoid.stderr  # bugs found
    crash = run_cli(
        "run",
        str(_write_programs(root / "cat", {"cat_twice.py": CAT_PROGRAM})),
        "--campaign",
        str(directory),
        "--backends",
        "aot_eager,faulty_cat_segfault",
        "--jobs",
        "1",
        "--quiet",
    )
    assert crash.returncode == 1, crash.stderr
    assign(directory)
    return directory


@pytest.fixture(scope="module")
def report(campaign: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "report"
    result = run_cli("report", str(campaign), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "2 bug clusters" in result.stdout
    return out


def _clusters(campaign: Path) -> list:
    from fuzzfox.triage.clusters import load_clusters

    return load_clusters(campaign)


def _section(text: str, cluster_id: str) -> str:
    """One bug's part of report.md: from its cluster line to the next bug's."""
    start = text.index(f"Cluster `{cluster_id}`")
    end = text.find("\nCluster `", start + 1)
    return text[start : end if end > 0 else len(text)]


def _wrong_value_cluster(campaign: Path):  # the triage package's Cluster
    return next(c for c in _clusters(campaign) if c.signature.symptom == "wrong_value")


# -- contents ------------------------------------------------------------------------------


@requires_torch
def test_markdown_has_summary_coverage_and_one_section_per_cluster(campaign: Path, report: Path) -> None:
    text = (report / "report.md").read_text()
    clusters = _clusters(campaign)
    assert len(clusters) == 2
    assert "| judged | 5 runs: 1 pass, 4 bug, 0 dropped, 0 invalid |" in text
    assert re.search(r"\| targets \(framework versions\) \| torch-inductor \(\d+\.\d+\.\d+\S*\) \|", text)
    assert "aot_eager, faulty_sigmoid, faulty_cat_segfault" in text
    assert "## Bugs (2)" in text
    wrong = _wrong_value_cluster(campaign)
    section = _section(text, wrong.id)
    assert f"| members | {len(wrong.members)} |" in section and len(wrong.members) == 3
    assert f"bugs/{wrong.id}.py" in section
    assert f"max abs error {wrong.verdict.max_abs_err:.3g}" in section
    assert "#### Issue body" in section and "_Found by fuzzfox" in section
    crash = next(c for c in clusters if c.signature.symptom == "crash")
    assert "killed by signal 11" in _section(text, crash.id)
    # the coverage table counts what the probe recorded, out of the catalog's totals
    assert re.search(r"\| joint_graph \| [1-9]\d* \| \d+ \|", text), text
    assert "![optimizations triggered and unique bugs over time](timeline.svg)" in text
    ElementTree.fromstring((report / "timeline.svg").read_text())  # well-formed SVG


@requires_torch
def test_json_is_strict_and_matches_the_store(campaign: Path, report: Path) -> None:
    def no_constants(name: str) -> None:
        raise AssertionError(f"non-standard JSON constant {name}")

    data = json.loads((report / "report.json").read_text(), parse_constant=no_constants)
    assert data["summary"]["runs"] == 5
    assert data["summary"]["outcomes"] == {"pass": 1, "bug": 4}
    assert data["summary"]["targets"] == {"torch-inductor": data["bugs"][0]["framework_version"]}
    assert 1 <= data["coverage"]["triggered"] < data["coverage"]["total"]
    assert {b["id"] for b in data["bugs"]} == {c.id for c in _clusters(campaign)}
    for bug in data["bugs"]:
        assert (report / bug["reproducer_path"]).read_text() == bug["reproducer"]
        assert bug["issue_markdown"].startswith(f"### {bug['title']}")
    assert data["unclustered"] == []


@requires_torch
def test_reproducer_runs_standalone_and_prints_the_mismatch(
    campaign: Path, report: Path, tmp_path: Path
) -> None:
    """The script runs outside the repository in a fresh process: the faulty backend is caught with
    the numbers the sandbox recorded; the same script with a correct backend says it agrees."""
    wrong = _wrong_value_cluster(campaign)
    script = (report / "bugs" / f"{wrong.id}.py").read_text()
    cache = default_cache_dir()
    env = {  # the sandbox's kernel cache: kernels the campaign compiled are reused
        **os.environ,
        "TORCHINDUCTOR_CACHE_DIR": str(cache / "inductor"),
        "TMPDIR": str(cache / "tmp"),
        "OMP_NUM_THREADS": "1",
    }
    faulty = tmp_path / "repro.py"
    faulty.write_text(script)
    caught = subprocess.run(
        [sys.executable, str(faulty)], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300
    )
    assert caught.returncode == 1, caught.stdout + caught.stderr
    assert "expected (eager)" in caught.stdout and "actual (compiled)" in caught.stdout
    assert "MISMATCH" in caught.stdout
    printed = float(re.search(r"max abs error (\S+) at", caught.stdout).group(1))
    assert printed == pytest.approx(wrong.verdict.max_abs_err, rel=1e-2)
    correct = tmp_path / "correct.py"
    swapped = re.sub(
        r"from oracles\.torch\.faulty_backends import \w+ as _FUZZFOX_BACKEND",
        '_FUZZFOX_BACKEND = "aot_eager"',
        script,
    )
    assert swapped != script
    correct.write_text(swapped)
    quiet = subprocess.run(
        [sys.executable, str(correct)], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300
    )
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert "does not reproduce" in quiet.stdout and "MISMATCH" not in quiet.stdout


@requires_torch
def test_html_is_self_contained_and_escapes_program_text(report: Path) -> None:
    page = (report / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<style>" in page
    assert "<script" not in page.lower()
    without_namespace = page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert not re.search(r"https?://|src=|url\(|@import", without_namespace)
    assert "&lt;/pre&gt;&lt;script&gt;alert(&quot;fuzzfox&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in page
    assert "<b>bold</b>" not in page


def test_missing_or_invalid_directory_is_one_line_exit_2(tmp_path: Path) -> None:
    missing = run_cli("report", str(tmp_path / "nowhere"))
    assert (missing.returncode, missing.stderr.strip()) == (
        2,
        f"fuzzfox: error: no such campaign directory: {tmp_path / 'nowhere'}",
    )
    not_campaign = run_cli("report", str(tmp_path))
    assert (
        not_campaign.stderr.strip()
        == f"fuzzfox: error: {tmp_path} is not a campaign directory (no fuzzfox.sqlite)"
    )
    (tmp_path / "fuzzfox.sqlite").write_text("not a database")
    broken = run_cli("report", str(tmp_path))
    assert broken.returncode == 2 and broken.stderr.strip().endswith(
        "is not a readable fuzzfox store: file is not a database"
    )
    assert len(broken.stderr.strip().splitlines()) == 1


def test_empty_campaign_gives_a_sensible_report(tmp_path: Path) -> None:
    campaign = tmp_path / "empty"
    Store(campaign).close()
    result = subprocess.run(
        [sys.executable, "-m", "fuzzfox", "report", str(campaign), "--format", "md,json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out = tmp_path / "reports" / "empty"  # the default --out
    text = (out / "report.md").read_text()
    assert "## Bugs (0)" in text and "No bug clusters" in text
    assert "| judged | 0 runs: 0 pass, 0 bug, 0 dropped, 0 invalid |" in text
    assert "no runs recorded yet" in (out / "timeline.svg").read_text()
    assert json.loads((out / "report.json").read_text())["bugs"] == []
    assert not (out / "report.html").exists()


@requires_torch
def test_stats_and_plot_files_feed_the_summary_and_timeline(campaign: Path, tmp_path: Path) -> None:
    """A campaign made by the campaign loop has feedback tables, stats.json and plot.csv: written
    here by the real feedback and stats functions over a copy of the fixture's store."""
    from fuzzfox.feedback import Feedback
    from fuzzfox.llm.cache import Totals
    from fuzzfox.program import Program
    from fuzzfox.stats import SessionClock, append_plot, collect, write_stats

    copy = tmp_path / "campaign-b"
    shutil.copytree(campaign, copy)
    db = sqlite3.connect(copy / "fuzzfox.sqlite")
    feedback = Feedback(db)
    source, metadata = db.execute("SELECT source, metadata FROM programs ORDER BY id LIMIT 1").fetchone()
    program = Program(source, json.loads(metadata))
    reject = ("syntax", "not a program", "def (")
    batch = feedback.open_batch(0, "pointwise_fusion", "mutate", [], [program], [reject])
    feedback.close_batch(batch, [(program, [])])
    clock = SessionClock(started=db.execute("SELECT MIN(finished) FROM runs").fetchone()[0] - 120)
    stats = collect(
        db, clock, 99, Totals(3, 1, 1200, 300, 0.25), state="stopped", ended_because="budget spent"
    )
    db.close()
    write_stats(copy, stats)
    append_plot(copy, {**stats, "updated": clock.started}, clock)
    append_plot(copy, stats, clock)
    data = gather(copy)
    assert data.summary.state.startswith("stopped (budget spent); stats.json of ")
    assert (data.summary.generated, data.summary.valid, data.summary.valid_pct) == (2, 1, 50.0)
    assert data.generators["generator"].tolist() == ["mutate"]
    assert data.timeline.source.startswith("plot.csv")
    assert data.timeline.bugs[-1] == stats["unique_bugs"] and data.timeline.minutes[-1] > 2.0
    assert (data.summary.llm.tokens, data.summary.llm.prompt_tokens) == (1500, None)  # no llm.sqlite here
    rows = dict(summary_rows(data.summary))
    assert (
        rows["LLM"] == "3 calls (1 from the replay cache), 1500 tokens (total from stats.json), cost 0.2500"
    )
    assert rows["generation"] == "2 generated, 1 valid (50%)"


# -- pieces ----------------------------------------------------------------------------------


def test_markdown_table_escapes_cells_and_aligns_numbers() -> None:
    frame = pd.DataFrame({"name": ["a|b", "two\nlines"], "count": [3, 12]})
    assert markdown_table(frame).splitlines() == [
        "| name | count |",
        "| --- | ---: |",
        "| a\\|b | 3 |",
        "| two lines | 12 |",
    ]
    assert fenced("x = '```'", "python").startswith("````python\n")


def test_nice_ticks_and_svg_plot() -> None:
    assert nice_ticks(37, 4, integer=True) == [0, 10, 20, 30, 40]
    assert nice_ticks(0.3, 4, integer=True) == [0, 1]
    assert nice_ticks(7.5, 8) == [0, 1, 2, 3, 4, 5, 6, 7, 8]
    svg = timeline_svg(Timeline([0.0, 4.0, 9.5, 30.0], [0, 12, 37, 37], [0, 0, 1, 2], "test"))
    root = ElementTree.fromstring(svg)
    namespace = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(f"{namespace}text")]
    assert "optimizations triggered" in texts and "unique bugs" in texts
    assert "minutes since the campaign started" in texts
    assert "37" in texts and "2" in texts  # the end values are labelled
    assert len(list(root.iter(f"{namespace}path"))) == 2


# -- the screenshot ------------------------------------------------------------------------------


def _decode_png(data: bytes) -> np.ndarray:
    """An 8-bit RGB or RGBA PNG (what Chromium writes) as a height x width x 3 array; no Pillow here.

    Rows are unfiltered as the PNG spec says: Sub and Up with numpy, Average and Paeth (each byte
    depends on the one decoded just before it) byte by byte.
    """
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        if kind == b"IHDR":
            header = data[position + 8 : position + 8 + length]
        elif kind == b"IDAT":
            chunks.append(data[position + 8 : position + 8 + length])
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    channels = 3 if colour == 2 else 4
    raw = np.frombuffer(zlib.decompress(b"".join(chunks)), np.uint8).reshape(height, width * channels + 1)
    image = np.zeros((height, width * channels), np.uint8)
    previous = np.zeros(width * channels, np.uint8)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:]
        if kind == 0:
            row = line.copy()
        elif kind == 1:
            row = (
                (line.reshape(width, channels).astype(np.uint32).cumsum(axis=0) % 256)
                .astype(np.uint8)
                .ravel()
            )
        elif kind == 2:
            row = line + previous  # uint8 arithmetic wraps modulo 256, as the spec wants
        else:
            row = _unfilter_sequential(kind, line.tolist(), previous.tolist(), channels)
        image[y] = row
        previous = image[y]
    return image.reshape(height, width, channels)[:, :, :3]


def _unfilter_sequential(kind: int, line: list[int], up: list[int], channels: int) -> np.ndarray:
    out = [0] * len(line)
    for x, value in enumerate(line):
        left = out[x - channels] if x >= channels else 0
        if kind == 3:
            out[x] = (value + (left + up[x]) // 2) & 0xFF
            continue
        corner = up[x - channels] if x >= channels else 0
        guess = left + up[x] - corner
        pa, pb, pc = abs(guess - left), abs(guess - up[x]), abs(guess - corner)
        out[x] = (value + (left if pa <= pb and pa <= pc else up[x] if pb <= pc else corner)) & 0xFF
    return np.array(out, np.uint8)


@requires_torch
@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (Debian package chromium)")
def test_html_screenshot_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1280,2000",
            (report / "report.html").resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert shot.exists(), "chromium wrote no screenshot"
    image = _decode_png(shot.read_bytes())
    assert image.shape == (2000, 1280, 3)
    assert (image[:, :40] == (243, 244, 246)).all()  # the page background, every row: decoded right
    dark = (image < 80).all(axis=2)
    assert dark[20:80].sum() > 500  # the page title: dark text on white
    not_white = (image != 255).any(axis=2).mean()
    assert 0.05 < not_white < 0.95, not_white
    colours = len(np.unique(image.reshape(-1, 3), axis=0))
    assert colours > 100, colours  # text, tables, cards and the plot: not a blank or one-colour page
    red = (image[:, :, 0] > 190) & (image[:, :, 1] < 80) & (image[:, :, 2] < 80)
    assert red[100:400].sum() > 50  # the red bug-count card near the top


@requires_torch
@pytest.mark.slow
def test_minimized_reproducers_and_rechecks_after_real_triage(campaign: Path, tmp_path: Path) -> None:
    """The whole path: triage re-runs and minimizes, recheck runs the reproducers with the faulty
    backends (still failing) and with correct ones (fixed), and the report shows all of it."""
    copy = tmp_path / "campaign-c"
    shutil.copytree(campaign, copy)
    steps = [
        ("triage", str(copy), "--reruns", "1", "--budget-tests", "8", "--jobs", "1"),
        ("recheck", str(copy), "--jobs", "1"),
        ("recheck", str(copy), "--backends", "aot_eager,inductor", "--jobs", "1"),
    ]
    for step in steps:
        result = run_cli(*step)
        assert result.returncode in (0, 1), result.stderr
    out = tmp_path / "out"
    assert run_cli("report", str(copy), "--out", str(out)).returncode == 0
    text = (out / "report.md").read_text()
    for cluster in _clusters(copy):
        section = _section(text, cluster.id)
        minimized = cluster.minimized
        assert minimized is not None
        assert f"| reproduced | {cluster.reproduced}/1 |" in section
        assert f"{minimized.tokens_before} → {minimized.tokens_after} tokens" in section
        assert "still failing" in section and "| fixed |" in section
        script = (out / "bugs" / f"{cluster.id}.py").read_text()
        assert minimized.source.split("import torch", 1)[1].strip() in script
    assert "fixed on" in (out / "report.html").read_text()  # the latest recheck's badge


@requires_torch
def test_a_trigger_the_catalog_does_not_list_is_counted_apart(tmp_path: Path) -> None:
    # A probe may see an optimization the CPU-reachable catalog does not list (efficient_conv_bn_eval
    # before the catalog imported every fx_passes module): the coverage table once said "1 of 0".
    from fuzzfox.program import parse_program
    from fuzzfox.report.coverage import coverage
    from oracles.verdict import Outcome, Verdict

    store = Store(tmp_path)
    programs = [parse_program(PROGRAMS[name]) for name in ("sigmoid_scale.py", "sigmoid_add.py")]
    store.add_programs(programs)
    for program, triggers in zip(
        programs, (["unlisted_pass.rewrite"], ["joint_graph.pointless_view"]), strict=True
    ):
        store.record(program, "key", Verdict(Outcome.PASS, "agrees", triggers=triggers))
    cover = coverage(store.db, "torch-inductor", None)
    assert cover.triggered_count == 1 and cover.outside_catalog == ["unlisted_pass.rewrite"]
    rows = {row["pass"]: row for row in cover.by_pass.to_dict("records")}
    outside = rows["unlisted_pass"]
    assert (outside["triggered"], outside["total"], outside["not in catalog"]) == (0, 0, 1)
    assert rows["joint_graph"]["triggered"] == 1 and rows["joint_graph"]["total"] > 1
