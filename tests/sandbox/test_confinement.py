"""The hostile-program suite in one real campaign: every program gets a verdict, the campaign
lives, not a byte changes outside the programs' scratch, and no secret reaches the store.

Each program in ``tests/programs/hostile/`` tries one harmful thing (write or delete outside its
scratch, read secrets, fork and thread bombs, disk fill, signals, ptrace, sockets, devices,
mounts, poisoning Inductor's kernel cache or torch itself) and prints ``HOSTILE RESULT: ...``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pwd
import re
import sqlite3
import sys
from pathlib import Path

import pytest

from fuzzfox.sandbox.pool import LocalPool, PoolConfig, default_cache_dir
from oracles.verdict import Outcome
from tests.conftest import HOSTILE, ROOT, judge_in_sandbox, program, requires_torch, run_cli

pytestmark = requires_torch

SKIPPED_DIRS = {".git", ".venv", "runs", "__pycache__", ".pytest_cache", ".ruff_cache", "tmp", "locks"}


def snapshot(top: Path) -> dict[str, tuple[int, int, int]]:
    """(size, mtime_ns, mode) of every file and directory under ``top``: what a write changes."""
    seen = {}
    for directory, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        for name in [*dirs, *files]:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            seen[path] = (info.st_size, info.st_mtime_ns, info.st_mode)
    return seen


def changes(before: dict, after: dict) -> list[str]:
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


@pytest.fixture(scope="module")
def hostile_campaign(tmp_path_factory):
    import torch

    warm = LocalPool(PoolConfig("torch-inductor", {}, jobs=1))  # the shared caches, before snapshots
    warm.start()
    warm.close()
    base = tmp_path_factory.mktemp("confinement")
    secrets = {"tmp": f"tmp-secret-{os.getpid()}", "other": f"other-campaign-secret-{os.getpid()}"}
    (base / "victim").mkdir()
    (base / "victim" / "secret.txt").write_text(secrets["tmp"])
    other = base / "campaigns" / "other"
    other.mkdir(parents=True)
    (other / "fuzzfox.sqlite").write_text(secrets["other"])
    home_secret = Path(pwd.getpwuid(os.geteuid()).pw_dir) / f".fuzzfox-test-secret-{os.getpid()}"
    secrets["home"] = f"home-secret-{os.getpid()}"
    home_secret.write_text(secrets["home"])
    trees = {
        "torch": Path(torch.__file__).parent,
        "repository": ROOT,
        "kernel cache": default_cache_dir(),
        "victim dir in /tmp": base / "victim",
        "other campaign": other,
    }
    try:
        before = {name: snapshot(top) for name, top in trees.items()}
        home_before = home_secret.stat().st_mtime_ns
        campaign = base / "campaigns" / "this"
        programs = sorted(HOSTILE.glob("*.py"))
        result = run_cli(
            "campaign",
            "--campaign", str(campaign),
            "--seeds", str(HOSTILE),
            "--programs", str(len(programs)),
            "--llm", "none",
            "--oracle", "values",
            "--input-draws", "0",
            "--jobs", "2",
            "--timeout", "20",
            timeout=900,
        )  # fmt: skip
        after = {name: snapshot(top) for name, top in trees.items()}
        yield {
            "result": result,
            "campaign": campaign,
            "programs": programs,
            "changed": {name: changes(before[name], after[name]) for name in trees},
            "home_changed": home_secret.stat().st_mtime_ns != home_before,
            "secrets": secrets,
        }
    finally:
        home_secret.unlink(missing_ok=True)


def results(campaign: Path) -> dict[str, dict]:
    db = sqlite3.connect(campaign / "fuzzfox.sqlite")
    rows = db.execute(
        "SELECT programs.path, verdicts.verdict FROM programs JOIN runs ON runs.program_id = programs.id "
        "JOIN verdicts ON verdicts.run_id = runs.id"
    ).fetchall()
    return {Path(path).name: json.loads(verdict) for path, verdict in rows}


def said(verdict: dict) -> str:
    match = re.search(r"HOSTILE RESULT: (.*)", verdict.get("output_tail", ""))
    return match.group(1) if match else ""


def test_the_suite_is_large_and_the_campaign_lives(hostile_campaign) -> None:
    assert len(hostile_campaign["programs"]) >= 50
    result = hostile_campaign["result"]
    assert result.returncode == 0, result.stderr[-3000:]
    verdicts = results(hostile_campaign["campaign"])
    assert {p.name for p in hostile_campaign["programs"]} <= verdicts.keys()


def test_programs_run_fully_confined(hostile_campaign) -> None:
    stats = json.loads((hostile_campaign["campaign"] / "stats.json").read_text())
    assert stats["isolation"] == "full", stats["isolation"]


def test_not_a_byte_changes_outside_scratch(hostile_campaign) -> None:
    assert hostile_campaign["changed"] == {name: [] for name in hostile_campaign["changed"]}
    assert not hostile_campaign["home_changed"]


def test_no_secret_reaches_the_store_or_the_report(hostile_campaign) -> None:
    campaign = hostile_campaign["campaign"]
    stored = b"".join(p.read_bytes() for p in campaign.rglob("*") if p.is_file())
    for name, secret in hostile_campaign["secrets"].items():
        assert secret.encode() not in stored, f"the {name} secret leaked into the campaign"
    try:
        shadow = Path("/etc/shadow").read_text().splitlines()[0]
    except (OSError, IndexError):
        return
    assert shadow.encode() not in stored


def test_each_program_starts_from_a_pristine_framework(hostile_campaign) -> None:
    verdicts = results(hostile_campaign["campaign"])
    assert said(verdicts["monkeypatch_torch.py"]).startswith("patched")  # it did patch its own copy
    assert said(verdicts["monkeypatch_check.py"]) == "torch is pristine"


def test_bombs_hit_their_caps(hostile_campaign) -> None:
    verdicts = results(hostile_campaign["campaign"])
    for name, refusal in (
        ("fork_bomb.py", "BlockingIOError"),
        ("thread_bomb.py", "can't start new thread"),
        ("disk_fill_many_files.py", "No space left on device"),
        ("disk_fill_dev_shm.py", "No space left on device"),
    ):
        assert refusal in said(verdicts[name]), (name, said(verdicts[name]))


def test_where_a_confinement_fails_the_worker_falls_back_and_says_why(tmp_path) -> None:
    from fuzzfox.sandbox.filesystem import plan_view
    from fuzzfox.sandbox.isolation import Confinement, choose_confinement

    not_a_folder = tmp_path / "cache-that-is-a-file"
    not_a_folder.write_text("")
    # An overlay needs a folder: mounting one over a file fails, as a kernel without overlayfs would.
    view = dataclasses.replace(
        plan_view(tmp_path / "scratch", 1 << 20, [tmp_path], (), (), os.geteuid()), caches=(not_a_folder,)
    )
    confinement, isolation = choose_confinement(view, None)
    assert confinement == Confinement(None, None)
    assert isolation.startswith("partial (filesystem not confined: "), isolation
    assert "cache-that-is-a-file" in isolation
    good, isolation = choose_confinement(dataclasses.replace(view, caches=()), None)
    assert (good.view is not None, isolation) == (True, "full")


def test_a_program_reads_its_own_source_though_its_file_is_hidden() -> None:
    # TorchScript reads a function's source; the program's file lies in a hidden folder.
    verdict = judge_in_sandbox([program("torchscript_helper.py")])["torchscript_helper.py"]
    assert verdict.outcome is Outcome.PASS, verdict.explain()


def test_a_package_the_worker_imported_from_a_private_folder_is_shown_again(tmp_path, monkeypatch) -> None:
    # The fault benchmark's patched torch lies beside the campaign directory, whose parent the
    # view hides: hidden, every lazy torch import of every program failed.
    from fuzzfox.sandbox.filesystem import plan_view

    package = tmp_path / "fault" / "shadow" / "fuzzfox_shadow_probe"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(package.parent))
    __import__("fuzzfox_shadow_probe")
    try:
        view = plan_view(tmp_path / "scratch", 1 << 20, [tmp_path / "fault"], (), (), os.geteuid())
    finally:
        sys.modules.pop("fuzzfox_shadow_probe", None)
    assert package.resolve() in view.exposed
    assert (tmp_path / "fault").resolve() in view.hidden  # the rest of the private folder stays hidden
