"""The standalone reproducer script, run as a maintainer would: a fresh process outside the repo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fuzzfox.report.reproducer import ReproducerSpec, reproducer_script
from fuzzfox.sandbox.pool import default_cache_dir
from tests.conftest import program, requires_torch


def run_reproducer(
    tmp_path: Path, name: str, backend: str, draw: str | None = None
) -> subprocess.CompletedProcess:
    """The reproducer script of test program ``name`` with ``backend``, run in a fresh process."""
    spec = ReproducerSpec(
        bug_id="b1",
        file_name="repro.py",
        title=f"wrong_value at verification in {backend}",
        source=program(name).source,
        provenance="the original program",
        target="torch-inductor",
        backend=backend,
        version="2.13.0+cpu",
        settings={"seed": 0},
        gradients=False,
        draw=draw,
    )
    script = tmp_path / f"repro_{draw}.py"
    script.write_text(reproducer_script(spec))
    cache = default_cache_dir()
    env = {**os.environ, "TORCHINDUCTOR_CACHE_DIR": str(cache / "inductor"), "TMPDIR": str(cache / "tmp")}
    return subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300
    )


@requires_torch
def test_a_program_that_cannot_run_in_float64_still_gets_a_working_reproducer(tmp_path: Path) -> None:
    """Its referee fails (a float32-only bit trick): the script says so and still compares."""
    result = run_reproducer(tmp_path, "half_round_trip_bit_trick.py", "aot_eager")
    assert result.returncode == 0, result.stdout + result.stderr  # aot_eager keeps the round trip
    assert "no fp64 reference (the program does not run in float64" in result.stdout
    assert "Traceback" not in result.stderr and "does not reproduce" in result.stdout


@requires_torch
def test_a_bug_on_an_input_draw_reproduces_on_that_draw(tmp_path: Path) -> None:
    """sign(0) wrong only at exact zeros: the script applies the 'zeros' draw the oracle saw."""
    on_the_draw = run_reproducer(tmp_path, "sign_magnitude.py", "faulty_sign_zero", draw="zeros")
    assert on_the_draw.returncode == 1, on_the_draw.stdout + on_the_draw.stderr
    assert "the bug reproduces" in on_the_draw.stdout
    recorded = run_reproducer(tmp_path, "sign_magnitude.py", "faulty_sign_zero")  # randn has no exact zero
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
