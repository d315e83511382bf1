"""Shared helpers: fixture programs, running the real CLI, running programs through the pool."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fuzzfox.program import Program, load_program
from fuzzfox.sandbox.isolation import Limits
from fuzzfox.sandbox.pool import PoolConfig, run_programs
from oracles.verdict import Verdict

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "tests" / "programs"
HOSTILE = PROGRAMS / "hostile"
CORPUS = ROOT / "corpus" / "torch-inductor"


def requires(module: str, extra: str) -> pytest.MarkDecorator:
    """Skip unless ``module`` is importable, naming the extra that installs it."""
    return pytest.mark.skipif(
        importlib.util.find_spec(module) is None,
        reason=f"{module} is not installed (pip install 'fuzzfox[{extra}]')",
    )


# One marker per optional dependency: a test file uses these, never a copy of its own.
requires_torch = requires("torch", "torch")
requires_jax = requires("jax", "jax")
requires_tf = requires("tensorflow", "tf")
requires_llama = requires("llama_cpp", "llm")


def mark_folder(conftest: str, marker: pytest.MarkDecorator) -> Callable[[list[pytest.Item]], None]:
    """A framework folder's ``pytest_collection_modifyitems``: ``marker`` on every test below the
    folder of ``conftest``, so its test files need no marker of their own."""
    folder = Path(conftest).parent

    def mark(items: list[pytest.Item]) -> None:
        for item in items:
            if item.path.is_relative_to(folder):
                item.add_marker(marker)

    return mark


def program(name: str) -> Program:
    return load_program(PROGRAMS / name, "torch-inductor")


def judge_in_sandbox(
    programs: list[Program],
    backends: tuple[str, ...] = ("aot_eager", "inductor"),
    jobs: int = 1,
    timeout_s: float = 60.0,
    inductor_config: dict | None = None,
    log_dir: Path | None = None,
) -> dict[str, Verdict]:
    """Verdicts by program name, from a real pool of sandbox workers."""
    config = PoolConfig(
        "torch-inductor",
        {"backends": list(backends), "inductor_config": inductor_config or {}},
        jobs=jobs,
        limits=Limits(timeout_s=timeout_s),
        log_dir=log_dir,
    )
    return {p.name: v for p, v in run_programs(config, programs)}


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 900
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fuzzfox", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )
