"""The one interface every fuzzing target (torch-inductor, jax-xla, tf-xla, ...) implements.

The campaign process only calls ``missing_reason`` and ``name``: it never imports a framework.
``prepare_worker`` runs once in a sandbox worker process (import the framework, apply settings,
warm up); ``run_program`` runs in the sandboxed child forked from that worker, once per program.
"""

from __future__ import annotations

import abc
import importlib.metadata
import importlib.util
from typing import Any

from fuzzfox.program import Program
from oracles.phases import PhaseLog
from oracles.verdict import Verdict


class SettingsError(ValueError):
    """A bad target setting (unknown backend, unknown compiler config key, ...)."""


class Target(abc.ABC):
    name: str
    framework: str  # the importable module (and distribution) the target needs
    install_hint: str
    extractor: str | None = None  # module whose ``python -m`` prints the optimization catalog

    def version(self) -> str:
        """The installed framework's version, read without importing it."""
        try:
            return importlib.metadata.version(self.framework)
        except importlib.metadata.PackageNotFoundError:
            return "absent"

    def missing_reason(self) -> str | None:
        """Why this target cannot run here, without importing the framework; None if it can."""
        if importlib.util.find_spec(self.framework) is None:
            return f"{self.framework} is not installed (target {self.name}): {self.install_hint}"
        return None

    @abc.abstractmethod
    def prepare_worker(self, settings: dict[str, Any]) -> dict[str, Any]:
        """Import the framework, validate and apply settings, warm up; return version info."""

    @abc.abstractmethod
    def run_program(self, program: Program, settings: dict[str, Any], phases: PhaseLog) -> Verdict:
        """Judge one program (in the sandboxed child)."""
