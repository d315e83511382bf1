"""The one interface every fuzzing target (torch-inductor, jax-xla, tf-xla, ...) implements.

The campaign process only calls ``missing_reason`` and ``name``: it never imports a framework.
``prepare_worker`` runs once in a sandbox worker process (import the framework, apply settings,
warm up); ``run_program`` runs in the sandboxed child forked from that worker, once per program.
"""

from __future__ import annotations

import abc
import ast
import importlib.metadata
import importlib.util
import linecache
import types
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from fuzzfox.program import ENTRY_FUNCTION, INPUTS_FUNCTION, Program
from oracles.judge import exception_info
from oracles.phases import PhaseLog
from oracles.verdict import Outcome, Verdict

OracleOptions = TypeVar("OracleOptions")


class SettingsError(ValueError):
    """A bad target setting (unknown backend, unknown compiler config key, ...)."""


class Target(abc.ABC):
    name: str
    framework: str  # the importable module (and distribution) the target needs
    install_hint: str
    extractor: str | None = None  # module whose ``python -m`` prints the optimization catalog
    # what a failure under a backend points at, when not the backend itself (oracles.judge)
    frontend_layers: Mapping[str, str] = MappingProxyType({})

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

    def compiler_caches(self) -> tuple[Path, ...]:
        """Directories the compiler reads and writes across programs (kernel caches), after
        ``prepare_worker``: the sandbox shows each to a program copy-on-write."""
        return ()

    def compiler_lock_dirs(self) -> tuple[Path, ...]:
        """Directories of the compiler's lock files inside its caches: each program sees them
        empty (programs share no files, so no lock; a lock left by another user is unwritable)."""
        return ()


def check_known(what: str, requested: Iterable[str], known: Iterable[str]) -> None:
    """A SettingsError naming the first requested name that is not known, and the known ones."""
    known = sorted(known)
    unknown = sorted(set(requested) - set(known))
    if unknown:
        raise SettingsError(f"unknown {what} {unknown[0]!r} (known: {', '.join(known)})")


def load_program_module(
    program: Program, check: Callable[[types.ModuleType], None]
) -> types.ModuleType | Verdict:
    """Execute a program's source as a fresh module, then ``check(module)``; an INVALID verdict
    naming the exception if either raises (a program that cannot load is not a compiler bug)."""
    module = types.ModuleType("fuzzfox_program")
    module.__file__ = program.path or "<program>"
    # The sandbox hides the program's file; source introspection (TorchScript, tracebacks,
    # Dynamo's messages) reads it from here.
    linecache.cache[module.__file__] = (
        len(program.source),
        None,
        program.source.splitlines(keepends=True),
        module.__file__,
    )
    try:
        exec(compile(program.source, module.__file__, "exec"), module.__dict__)
        check(module)
    except Exception as error:
        info = exception_info(error)
        return Verdict(
            Outcome.INVALID,
            f"the program raises when loaded ({info.type}: {info.message[:200]})",
            exception=info,
        )
    return module


def require_entry_function(module: types.ModuleType, target: str) -> None:
    """A ValueError unless the program defines its entry function (the function-style targets)."""
    if getattr(module, ENTRY_FUNCTION, None) is None:
        raise ValueError(f"a {target} program needs a function {ENTRY_FUNCTION}(*inputs)")


def oracle_options(options_class: type[OracleOptions], settings: dict[str, Any]) -> OracleOptions:
    """A values oracle's options (backends, eager_reruns, seed, draws) from worker settings, the
    class's defaults where a setting is absent (every target's options class has those fields)."""
    defaults: Any = options_class
    return options_class(
        backends=tuple(settings.get("backends") or defaults.backends),
        eager_reruns=int(settings.get("eager_reruns", defaults.eager_reruns)),
        seed=int(settings.get("seed", defaults.seed)),
        draws=input_draws(settings),
    )


def input_draws(settings: dict[str, Any]) -> tuple[str, ...]:
    """The boundary input draws a program is also judged on (``oracles.boundary``): the first
    ``settings["input_draws"]`` of them, all by default, none with 0."""
    from oracles.boundary import DRAWS

    count = settings.get("input_draws")
    return DRAWS if count is None else DRAWS[: int(count)]


def program_constants(source: str) -> tuple[float, ...]:
    """The numeric literals of a program's computation (not of its ``make_inputs``), in order of
    first appearance: the thresholds and bounds an input draw should hit exactly."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == INPUTS_FUNCTION:
            tree.body.remove(node)
            break
    literals = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ]
    literals.sort(key=lambda node: (node.lineno, node.col_offset))
    return tuple(dict.fromkeys(float(node.value) for node in literals))
