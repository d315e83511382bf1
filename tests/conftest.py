"""Shared helpers: fixture programs, running the real CLI, running programs through the pool."""

from __future__ import annotations

import collections
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fuzzfox.program import Program, load_program
from fuzzfox.sandbox.isolation import Limits
from fuzzfox.sandbox.pool import LocalPool, PoolConfig, run_programs
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


# Started pools kept for the next call with the same settings, newest last: a worker takes ~9 s
# to start (torch, Inductor's warm-up compile, the trigger probe) and judges each program in a
# child forked from it, so one program sees nothing another left behind.
_WARM_POOLS: collections.OrderedDict[str, LocalPool] = collections.OrderedDict()
WARM_POOLS_KEPT = 3


def judge_in_sandbox(
    programs: list[Program],
    backends: tuple[str, ...] = ("aot_eager", "inductor"),
    jobs: int = 1,
    timeout_s: float = 60.0,
    inductor_config: dict | None = None,
    log_dir: Path | None = None,
    fresh: bool = False,
) -> dict[str, Verdict]:
    """Verdicts by program name, from a real pool of sandbox workers: a warm one started by an
    earlier call with the same settings, unless ``fresh`` (or ``log_dir``, which a pool is
    started with) asks for new workers."""
    config = PoolConfig(
        "torch-inductor",
        {"backends": list(backends), "inductor_config": inductor_config or {}},
        jobs=jobs,
        limits=Limits(timeout_s=timeout_s),
        log_dir=log_dir,
    )
    if fresh or log_dir is not None:
        return {p.name: v for p, v in run_programs(config, programs)}
    key = json.dumps([config.settings, jobs, timeout_s], sort_keys=True)
    pool = _WARM_POOLS.pop(key, None)
    if pool is None:
        pool = LocalPool(config)
        pool.start()
    _WARM_POOLS[key] = pool
    while len(_WARM_POOLS) > WARM_POOLS_KEPT:
        _WARM_POOLS.popitem(last=False)[1].close()
    return {p.name: v for p, v in pool.run(programs)}


@pytest.fixture(scope="session", autouse=True)
def _close_warm_pools() -> Iterator[None]:
    yield
    while _WARM_POOLS:
        _WARM_POOLS.popitem()[1].close()


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
