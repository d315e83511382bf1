"""Where a run is, written as it goes, so a segfault or a hang still has a stage.

Phases are ``load``, ``eager``, ``eager-rerun``, ``eager-fp64`` and, per compiled backend ``B``,
``B:trace`` (the front end is tracing), ``B:compile`` (the backend compiler runs) and
``B:execute`` (compiled code runs).  A sandbox passes a file descriptor; each phase is one
unbuffered line, so the last line survives any death of the process.
"""

from __future__ import annotations

import os
import re

from oracles.verdict import Stage

EAGER_PHASES = frozenset({"load", "eager", "eager-rerun", "eager-fp64"})
# The gradient oracle's phases are ``grad:<mode>``; all but the compiled gradient run no compiler.
GRADIENT_PREFIX = "grad:"
GRADIENT_COMPILED_PHASE = "grad:compiled"
PHASE_LINE = re.compile(r"[\w.-]+(:[\w.-]+)?")


class PhaseLog:
    def __init__(self, fd: int | None = None) -> None:
        self._fd = fd
        self.current = "load"

    def enter(self, phase: str) -> None:
        self.current = phase
        if self._fd is not None:
            os.write(self._fd, f"{phase}\n".encode())


def split_phase(phase: str) -> tuple[str | None, str]:
    """``"inductor:compile"`` -> ``("inductor", "compile")``; eager phases have no backend."""
    if ":" in phase:
        backend, step = phase.split(":", 1)
        return backend, step
    return None, phase


def runs_no_compiler(phase: str) -> bool:
    """Eager phases, eager gradient phases included: dying there makes a program invalid, not a bug."""
    if phase.startswith(GRADIENT_PREFIX):
        return phase != GRADIENT_COMPILED_PHASE
    return phase in EAGER_PHASES


def stage_of(phase: str) -> Stage | None:
    """The NNSmith stage a compiled-backend phase belongs to (None for eager phases)."""
    backend, step = split_phase(phase)
    if backend is None:
        return None
    return Stage.EXECUTION if step == "execute" else Stage.COMPILATION


def last_phase(text: str) -> str:
    """The last well-formed phase line; anything else on the descriptor (a program can write to
    it: it runs in the oracle's process) is not a phase."""
    lines = [line for line in text.splitlines() if PHASE_LINE.fullmatch(line)]
    return lines[-1] if lines else "load"
