"""Replay programs through the sandboxed oracles, recording every verdict in the store.

Recorded verdicts are reused: a run killed half-way is resumed by running the same command
again on the same campaign directory, and only programs without a verdict under the same
target, settings and framework version run again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fuzzfox.program import Program
from fuzzfox.sandbox.isolation import Limits
from fuzzfox.sandbox.pool import PoolConfig, run_programs
from fuzzfox.store import Store, config_key
from fuzzfox.targets import UnknownTargetError, get_target
from oracles.verdict import Verdict


class UsageError(Exception):
    """Bad input from the user: reported as one line, exit status 2."""


@dataclasses.dataclass
class RunOptions:
    campaign: Path
    jobs: int = 1
    settings: dict[str, Any] = dataclasses.field(default_factory=dict)
    limits: Limits = dataclasses.field(default_factory=Limits)
    rerun: bool = False  # ignore recorded verdicts


@dataclasses.dataclass
class ProgramResult:
    program: Program
    verdict: Verdict
    reused: bool  # taken from the store, not run now


Progress = Callable[[int, int, ProgramResult], None]


def run_description(target: str, settings: dict[str, Any], version: str) -> dict[str, Any]:
    """What makes two runs of a program comparable; its hash is the runs' config key."""
    return {"target": target, "settings": settings, "version": version}


def check_targets(programs: list[Program]) -> dict[str, list[Program]]:
    """Programs grouped by target; UsageError if a target is unknown or cannot run here."""
    by_target: dict[str, list[Program]] = {}
    for program in programs:
        by_target.setdefault(program.target, []).append(program)
    for name in by_target:
        try:
            target = get_target(name)
        except UnknownTargetError as error:
            raise UsageError(str(error)) from None
        if reason := target.missing_reason():
            raise UsageError(reason)
    return by_target


def replay(
    programs: list[Program],
    options: RunOptions,
    progress: Progress | None = None,
) -> list[ProgramResult]:
    """Judge every program (grouped by target); results come back in the programs' order."""
    by_target = check_targets(programs)
    store = Store(options.campaign)
    results: dict[str, ProgramResult] = {}
    done = 0
    total = len({p.id for p in programs})

    def report(result: ProgramResult) -> None:
        nonlocal done
        results[result.program.id] = result
        done += 1
        if progress:
            progress(done, total, result)

    try:
        store.add_programs(programs)
        for name, group in by_target.items():
            target = get_target(name)
            description = run_description(name, options.settings, target.version())
            key = config_key(description)
            store.add_config(key, description)
            recorded = {} if options.rerun else store.verdicts(key, (p.id for p in group))
            pending: dict[str, Program] = {}
            for program in group:
                if program.id in recorded:
                    report(ProgramResult(program, recorded[program.id], reused=True))
                elif program.id not in results:
                    pending[program.id] = program
            if not pending:
                continue
            config = PoolConfig(
                name,
                options.settings,
                jobs=min(options.jobs, len(pending)),
                limits=options.limits,
                log_dir=options.campaign / "logs",
            )
            for program, verdict in run_programs(config, list(pending.values())):
                store.record(program, key, verdict)
                report(ProgramResult(program, verdict, reused=False))
    finally:
        store.close()
    return [results[p.id] for p in programs if p.id in results]
