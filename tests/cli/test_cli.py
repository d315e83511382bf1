"""The command line as a user meets it: help, exit statuses, one-line errors, resume after kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROGRAMS, ROOT, requires_torch, run_cli

CLEAN = [str(PROGRAMS / name) for name in ("relu_linear.py", "sigmoid_gate.py", "cat_no_relu.py")]


def test_help_explains_commands_and_options() -> None:
    top = run_cli("--help")
    assert top.returncode == 0 and "run" in top.stdout and "differential fuzzer" in top.stdout
    run = run_cli("run", "--help")
    for option in ("--jobs", "--campaign", "--inductor-config", "--backends", "--timeout", "outcomes:"):
        assert option in run.stdout


def test_missing_path_is_one_line_exit_2() -> None:
    result = run_cli("run", "no/such/dir")
    assert result.returncode == 2
    assert result.stderr.strip() == "fuzzfox: error: no such file or directory: no/such/dir"


def test_unparseable_program_is_one_line_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "generated.py"
    bad.write_text("Here is your program:\n```python\nimport torch\n```\n")
    result = run_cli("run", str(bad))
    assert result.returncode == 2
    assert result.stderr.strip() == f"fuzzfox: error: {bad}: markdown fence left in at line 2"


@requires_torch
@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--inductor-config", "no_such_key=1"], "unknown Inductor config key 'no_such_key'"),
        (["--backends", "aot_eager,warp_drive"], "unknown backend 'warp_drive'"),
    ],
)
def test_bad_settings_are_one_line_exit_2(option: list[str], message: str, tmp_path: Path) -> None:
    result = run_cli("run", CLEAN[0], "--campaign", str(tmp_path), *option)
    assert result.returncode == 2, result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(f"fuzzfox: error: {message}")


def test_an_internal_error_exits_3_not_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """A fuzzfox bug must not read as "bug candidates found" (exit 1), which `make demo` accepts.

    The raising command stands in for a bug of fuzzfox: one we could produce for real we would fix.
    """
    from fuzzfox import cli
    from fuzzfox.cli import report

    def broken_report(args: object) -> int:
        raise RuntimeError("the program source waits for a verdict while none is due")

    monkeypatch.setattr(report, "command_report", broken_report)
    assert cli.main(["report", "somewhere"]) == 3
    stderr = capsys.readouterr().err
    assert "Traceback" in stderr and "RuntimeError: the program source waits" in stderr
    assert stderr.strip().splitlines()[-1].startswith("fuzzfox: internal error (RuntimeError)")


def test_missing_torch_is_one_line_exit_2(tmp_path: Path) -> None:
    """A real environment without torch: a venv with only fuzzfox's own dependencies."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "numpy", "pandas"], capture_output=True, text=True
    )
    if install.returncode != 0:
        pytest.skip(f"could not install numpy and pandas into a new venv: {install.stderr[-300:]}")
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "fuzzfox-checkout.pth").write_text(str(ROOT) + "\n")
    result = subprocess.run(
        [str(python), "-m", "fuzzfox", "run", CLEAN[0]], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("fuzzfox: error: torch is not installed (target torch-inductor)")
    assert len(result.stderr.strip().splitlines()) == 1


@requires_torch
def test_clean_programs_exit_0_and_injected_fault_exits_1(tmp_path: Path) -> None:
    clean = run_cli("run", *CLEAN, "--jobs", "2", "--campaign", str(tmp_path / "clean"))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "3 programs: 3 pass, 0 bug" in clean.stdout
    assert "[3/3]" in clean.stderr  # progress lines
    faulty = run_cli(
        "run",
        *CLEAN,
        "--jobs",
        "2",
        "--campaign",
        str(tmp_path / "faulty"),
        "--inductor-config",
        "cpp.inject_relu_bug_TESTING_ONLY=accuracy",
    )
    assert faulty.returncode == 1, faulty.stdout + faulty.stderr
    assert "3 programs: 2 pass, 1 bug" in faulty.stdout
    assert "--- relu_linear.py ---" in faulty.stdout
    assert "symptom: wrong_value at verification in inductor; blame: inductor" in faulty.stdout


def _runs(database: Path) -> list[tuple[str, str]]:
    if not database.exists():
        return []
    try:
        with sqlite3.connect(database) as db:
            return db.execute("SELECT program_id, config_key FROM runs").fetchall()
    except sqlite3.OperationalError:
        return []


@requires_torch
def test_kill_9_loses_nothing_and_resume_reruns_nothing(tmp_path: Path) -> None:
    programs = sorted(str(p) for p in PROGRAMS.glob("*.py") if p.name != "slow.py")
    campaign = tmp_path / "campaign"
    # aot_eager, recorded inputs, no probe: what is proved is the store, not Inductor, so no kernel compiles.
    cheap = ["--backends", "aot_eager", "--input-draws", "0", "--no-probe"]
    args = [sys.executable, "-m", "fuzzfox", "run", *programs, *cheap, "--jobs", "1"]
    args += ["--campaign", str(campaign)]
    first = subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 300
    while len(_runs(campaign / "fuzzfox.sqlite")) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    before = _runs(campaign / "fuzzfox.sqlite")
    assert 2 <= len(before) < len(programs), "the run should have been killed half-way"

    second = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stdout + second.stderr
    after = _runs(campaign / "fuzzfox.sqlite")
    assert set(before) <= set(after), "a finished run was lost"
    assert len(after) == len(set(after)) == len(programs), "a run is missing or recorded twice"
    assert f"({len(before)} taken from the store, marked *)" in second.stdout
