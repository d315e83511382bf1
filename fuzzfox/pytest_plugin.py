"""pytest plugin: a fuzzfox corpus is a regression suite, ``pytest corpus/torch-inductor``.

Every program file is one test item, judged in the sandbox under its recorded target, mode and
config by the same oracles as ``fuzzfox run``.  This module loads in every pytest run of an
environment where fuzzfox is installed, so it imports no framework: programs run only in sandbox
workers (``fuzzfox.sandbox.pool``), and a target is asked only whether its framework is installed.

Collection rule: a ``.py`` file is a fuzzfox test when all of these hold:

1. its leading ``# key: value`` header names a ``target`` or an ``optimization``;
2. it is not pytest's: its name matches no ``python_files`` pattern (``test_*.py`` stays a test
   module), and it is neither ``conftest.py`` nor ``_*.py``;
3. it belongs to a corpus, not to a test suite's fixtures: no directory from the file's own up to
   the command-line argument (or ``testpaths`` entry) it was found under holds a test module.
   A file named on the command line is collected whatever its directory holds.

So ``pytest corpus/torch-inductor`` collects the corpus, while ``pytest tests/`` (or a plain
``pytest`` with ``testpaths = ["tests"]``) leaves ``tests/programs/*.py`` alone: ``tests/`` holds
test modules.

Outcome rule: ``pass`` passes; ``dropped`` (a mismatch the instability filter explained away) also
passes, with the explanation in the report's "fuzzfox" section (``-rP`` shows it); ``bug`` and
``invalid`` (the program fails without any compiler, or does not parse) fail, and the failure
message is the verdict's plain explanation.  Items of a target whose framework is missing skip
with the reason; an unknown target name fails.

Execution: one pool of ``--fuzzfox-jobs`` sandbox workers per target for the whole session,
started by the first item that needs it; that item queues every selected item of its target, so
the workers keep compiling while pytest reports items one by one in order.  The trigger probe is
off: a regression test checks the verdict, not whether the optimization still fires.

Known bugs (``corpus/regressions/``): a program whose header says ``expect: bug`` is a confirmed
framework bug (``fuzzfox.program.Expectation``), run as a strict expected failure.  It is reported
as xfailed while its verdict is still ``bug`` with the recorded ``symptom`` (and, when the header
has ``match``, an explanation containing that text); it FAILS when the program passes or is
dropped (the framework fixed it: move it to the corpus) and when it fails any other way (a new or
changed bug).  It is judged with the header's ``oracle`` when it has one (its own pool of workers),
whatever ``--fuzzfox-oracle`` says, and gets no hypothesis draws.

Hypothesis: ``--fuzzfox-hypothesis N`` adds N items per program, ``FILE::NAME[draw-K]``, each
running the program on inputs redrawn near the recorded ones (``fuzzfox.input_draws`` says how,
and its limits).  A draw the program cannot take (it fails before any compiler runs) skips; only a bug fails.

Options (command line, then ini, then default): ``--fuzzfox-target`` / ``fuzzfox_target`` for
files whose header names no target; ``--fuzzfox-oracle`` / ``fuzzfox_oracle`` (e.g.
``values,grads``, passed to the target as ``settings["oracles"]``); ``--fuzzfox-backends`` /
``fuzzfox_backends``; ``--fuzzfox-jobs`` / ``fuzzfox_jobs``; ``--fuzzfox-timeout`` /
``fuzzfox_timeout`` (seconds per program); ``--fuzzfox-hypothesis`` / ``fuzzfox_hypothesis``.
Every item carries the ``fuzzfox`` marker: ``-m fuzzfox`` / ``-m "not fuzzfox"``.  A line under
"collected N items" names the targets in use (with framework versions), oracles, backends, jobs,
timeout, the number of programs and draws, and the outcome rule; it is printed only when programs
were collected, so test runs without any stay as they were.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from fuzzfox.input_draws import MARKER as DRAW_MARKER
from fuzzfox.input_draws import InputDraw, draw_plans, drawn_shapes, reproducer_lines, variant_source
from fuzzfox.program import (
    HEADER_LINE,
    Expectation,
    Program,
    ProgramError,
    load_program,
    parse_header,
    parse_program,
)
from fuzzfox.sandbox.isolation import Limits

if TYPE_CHECKING:  # the pool, targets and verdicts import numpy: loaded only when programs run
    from fuzzfox.sandbox.pool import LocalPool, PoolConfig
    from oracles.verdict import Verdict

MARKER = "fuzzfox"
DEFAULT_TARGET = "torch-inductor"
HEADER_KEYS = ("target", "optimization")
OUTPUT_LINES_SHOWN = 15
DEATHS = ("crash", "timeout")  # symptoms of a run that died: its output may say why


class ProgramFailure(Exception):
    """A program's test failed; the message is the whole report (no traceback)."""


@dataclasses.dataclass(frozen=True)
class PluginOptions:
    target: str = DEFAULT_TARGET
    oracles: tuple[str, ...] = ()  # empty: the target's default
    backends: tuple[str, ...] = ()  # empty: the target's default
    jobs: int = min(os.cpu_count() or 1, 4)
    timeout_s: float = Limits.timeout_s
    hypothesis: int = 0

    def settings(self, oracles: tuple[str, ...] = ()) -> dict[str, Any]:
        """The target settings of a pool's workers (no trigger probe: not needed here); ``oracles``
        replaces the session's (a known bug's own)."""
        settings: dict[str, Any] = {"probe": False}
        if self.backends:
            settings["backends"] = list(self.backends)
        if oracles or self.oracles:
            settings["oracles"] = list(oracles or self.oracles)
        return settings

    def command_line(self, oracles: tuple[str, ...] = ()) -> str:
        """The ``fuzzfox run`` options that judge a program the same way."""
        parts = [] if self.target == DEFAULT_TARGET else [f"--target {self.target}"]
        if oracles or self.oracles:
            parts.append(f"--oracle {','.join(oracles or self.oracles)}")
        if self.backends:
            parts.append(f"--backends {','.join(self.backends)}")
        if self.timeout_s != Limits.timeout_s:
            parts.append(f"--timeout {self.timeout_s:g}")
        return " ".join(parts)


# name, metavar, help: each is --fuzzfox-NAME on the command line and fuzzfox_NAME in the ini file
OPTIONS = (
    ("target", "NAME", f"target for program files whose header names none (default {DEFAULT_TARGET})"),
    ("oracle", "A,B", "oracles to run, e.g. values,grads (default: the target's)"),
    ("backends", "A,B", "compiled backends compared with eager (default: the target's)"),
    ("jobs", "N", f"sandbox workers per target (default {PluginOptions.jobs})"),
    ("timeout", "S", f"seconds per program before it is a timeout (default {Limits.timeout_s:g})"),
    ("hypothesis", "N", "also run each program on N hypothesis draws of its inputs (default 0)"),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fuzzfox", "fuzzfox corpus programs as tests")
    for name, metavar, help_text in OPTIONS:
        group.addoption(f"--fuzzfox-{name}", dest=f"fuzzfox_{name}", metavar=metavar, help=help_text)
        parser.addini(f"fuzzfox_{name}", help_text, default="")


def read_options(config: pytest.Config) -> PluginOptions:
    """Command line over ini over defaults; a bad value is a pytest usage error."""

    def value(name: str) -> str:
        given = config.getoption(f"fuzzfox_{name}")
        return str(given if given is not None else config.getini(f"fuzzfox_{name}")).strip()

    def number(name: str, kind: type[int] | type[float], minimum: float, default: float) -> Any:
        text = value(name)
        if not text:
            return default
        try:
            parsed = kind(text)
        except ValueError:
            raise pytest.UsageError(f"fuzzfox_{name}: {text!r} is not a number") from None
        if parsed < minimum:
            raise pytest.UsageError(f"fuzzfox_{name}: must be at least {minimum:g}, not {text}")
        return parsed

    def names(name: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in value(name).split(",") if part.strip())

    return PluginOptions(
        target=value("target") or DEFAULT_TARGET,
        oracles=names("oracle"),
        backends=names("backends"),
        jobs=number("jobs", int, 1, PluginOptions.jobs),
        timeout_s=number("timeout", float, 1, Limits.timeout_s),
        hypothesis=number("hypothesis", int, 0, 0),
    )


OPTIONS_KEY = pytest.StashKey[PluginOptions]()
RUNNER_KEY = pytest.StashKey["SessionRunner"]()
TEST_DIRECTORIES_KEY = pytest.StashKey[dict[Path, bool]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: a fuzzfox corpus program, judged in the sandbox")
    options = read_options(config)
    config.stash[OPTIONS_KEY] = options
    config.stash[RUNNER_KEY] = SessionRunner(options)
    config.stash[TEST_DIRECTORIES_KEY] = {}


def pytest_report_collectionfinish(config: pytest.Config, items: list[pytest.Item]) -> str | None:
    """The fuzzfox header line, under "collected N items", when programs were collected."""
    programs = [item for item in items if isinstance(item, ProgramItem)]
    if not programs:
        return None
    options = config.stash[OPTIONS_KEY]
    names = sorted({item.program.target for item in programs if item.program is not None})
    draws = sum(item.draw is not None for item in programs)
    known = sum(item.expectation is not None for item in programs)
    known_rule = f"; {known} known bugs xfail while they fail as recorded" if known else ""
    return (
        f"fuzzfox: targets {', '.join(map(_target_status, names)) or '-'}, "
        f"oracles {','.join(options.oracles) or 'default'}, "
        f"backends {','.join(options.backends) or 'default'}, jobs {options.jobs}, "
        f"timeout {options.timeout_s:g}s; {len(programs) - draws} programs + {draws} hypothesis draws; "
        f"pass and dropped pass, bug and invalid fail{known_rule}"
    )


def _target_status(name: str) -> str:
    from fuzzfox.targets import UnknownTargetError, get_target

    try:
        target = get_target(name)
    except UnknownTargetError:
        return f"{name} (unknown)"
    return f"{name} ({target.framework} {target.version()})"


def pytest_sessionfinish(session: pytest.Session) -> None:
    session.config.stash[RUNNER_KEY].close()


# --- collection -------------------------------------------------------------------------------


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ProgramFile | None:
    # Files named on the command line go through pytest_pycollect_makemodule instead, where
    # they would otherwise become (empty) Python test modules.
    if parent.session.isinitpath(file_path) or not _is_program_file(file_path, parent.config):
        return None
    if _under_test_directory(file_path, parent.session):
        return None
    return _program_file(parent, file_path)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> ProgramFile | None:
    if parent.session.isinitpath(module_path) and _is_program_file(module_path, parent.config):
        return _program_file(parent, module_path)
    return None


def _program_file(parent: pytest.Collector, path: Path) -> ProgramFile:
    """The file's collector. Outside the rootdir pytest would name it by nothing (``::name``),
    which no one can select or deselect; there it is named by its path from where pytest ran."""
    if path.is_relative_to(parent.config.rootpath):
        return ProgramFile.from_parent(parent, path=path)
    nodeid = os.path.relpath(path, parent.config.invocation_params.dir)
    return ProgramFile.from_parent(parent, path=path, nodeid=nodeid)


def _is_program_file(path: Path, config: pytest.Config) -> bool:
    if path.suffix != ".py" or path.name.startswith("_") or path.name == "conftest.py":
        return False
    if _is_test_module(path, config):
        return False
    return any(key in _leading_header(path) for key in HEADER_KEYS)


def _is_test_module(path: Path, config: pytest.Config) -> bool:
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in config.getini("python_files"))


def _leading_header(path: Path) -> dict[str, str]:
    """The ``# key: value`` block at the top of the file, read without the rest."""
    lines = []
    try:
        with path.open(encoding="utf-8") as file:
            for line in file:
                if line.strip() and not HEADER_LINE.match(line.strip()):
                    break
                lines.append(line)
    except (OSError, UnicodeDecodeError):
        return {}
    return parse_header("".join(lines))


def _under_test_directory(path: Path, session: pytest.Session) -> bool:
    """Whether a directory between the file and the argument it was found under holds test modules."""
    known = session.config.stash[TEST_DIRECTORIES_KEY]
    for directory in path.parents:
        if directory not in known:
            known[directory] = _holds_test_modules(directory, session.config)
        if known[directory]:
            return True
        if session.isinitpath(directory) or directory == session.config.rootpath:
            return False
    return False


def _holds_test_modules(directory: Path, config: pytest.Config) -> bool:
    try:
        return any(entry.suffix == ".py" and _is_test_module(entry, config) for entry in directory.iterdir())
    except OSError:
        return False


@dataclasses.dataclass(frozen=True)
class Draw:
    """Which hypothesis draw an item runs."""

    index: int
    count: int
    plan: InputDraw

    @property
    def label(self) -> str:
        return f"draw {self.index} of {self.count}"


class ProgramFile(pytest.File):
    """A program file: the recorded program's item, then one item per hypothesis draw."""

    def collect(self) -> Iterator[ProgramItem]:
        options = self.config.stash[OPTIONS_KEY]
        metadata = _leading_header(self.path)
        name = metadata.get("optimization") or self.path.stem
        try:
            program = load_program(self.path, options.target)
        except ProgramError as error:
            yield ProgramItem.from_parent(self, name=name, program=None, problem=str(error))
            return
        yield ProgramItem.from_parent(self, name=name, program=program)
        if program.expectation is not None:
            return  # a known bug is recorded on its inputs: no draws
        plans = draw_plans(program.id, options.hypothesis) if options.hypothesis else []
        for index, plan in enumerate(plans, 1):
            draw = Draw(index, len(plans), plan)
            variant = parse_program(
                variant_source(program.source, plan, draw.label), str(self.path), options.target
            )
            yield ProgramItem.from_parent(self, name=f"{name}[draw-{index}]", program=variant, draw=draw)


class ProgramItem(pytest.Item):
    """One program (or one hypothesis draw of it), judged in the sandbox."""

    def __init__(
        self,
        *,
        program: Program | None,
        problem: str | None = None,
        draw: Draw | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.program = program
        self.problem = problem  # why the file is not a program, found without running it
        self.draw = draw
        self.expectation = program.expectation if program is not None else None
        self.add_marker(MARKER)

    def runtest(self) -> None:
        from oracles.verdict import Outcome

        if self.program is None:
            raise ProgramFailure(f"invalid: {self.problem}\n(found while parsing {self.path.name})")
        verdict = self.config.stash[RUNNER_KEY].verdict(self, self.program)
        self.user_properties.append(("fuzzfox_outcome", verdict.outcome.value))
        if self.expectation is not None:
            self._judge_known_bug(verdict, self.expectation)
        if verdict.outcome is Outcome.PASS:
            return
        if verdict.outcome is Outcome.DROPPED:
            self.add_report_section("call", "fuzzfox", verdict.explain())
            return
        if self.draw is not None and _draw_rejected(verdict):
            skip(f"{self.draw.label} is invalid for this program, not a bug: {verdict.summary}")
        raise ProgramFailure(self._failure_message(verdict))

    def _judge_known_bug(self, verdict: Verdict, expected: Expectation) -> NoReturn:
        """Strict xfail: xfail while the recorded bug shows; fail when it is gone or has changed."""
        from oracles.verdict import Outcome

        assert self.program is not None
        self.user_properties.append(("fuzzfox_expected", expected.symptom))
        framework = _framework_version(self.program.target)
        if backends := self.config.stash[OPTIONS_KEY].backends:  # not the ones it was recorded with
            framework += f" (backends {','.join(backends)})"
        symptom = verdict.symptom.value if verdict.symptom else "-"
        if _shows(verdict, expected):
            pytest.xfail(f"known bug, still {symptom} on {framework}: {expected.description}")
        recorded = f"{expected.symptom}" + (f" matching {expected.match!r}" if expected.match else "")
        if verdict.outcome in (Outcome.PASS, Outcome.DROPPED):
            how = "passes" if verdict.outcome is Outcome.PASS else f"is dropped ({verdict.drop_rule})"
            headline = [
                f"fixed in {framework}: this known bug (recorded: {recorded}; confirmed on "
                f"{expected.confirmed}) is gone, the program {how}.",
                f"move it to corpus/{self.program.target}/ without its expect, symptom, match, oracle, "
                "confirmed and issue header keys, or delete it.",
            ]
        else:
            headline = [
                f"fails differently on {framework}: recorded {recorded} (confirmed on {expected.confirmed}), "
                f"now {verdict.outcome.value} with symptom {symptom}: a new bug or a changed one.",
                "check it, then update the header (symptom, match, confirmed) or file the new bug.",
            ]
        issue = f" ({expected.issue})" if expected.issue else ""
        known = f"known bug: {expected.description}{issue}"
        raise ProgramFailure("\n".join([*headline, known, self._failure_message(verdict)]))

    def _failure_message(self, verdict: Verdict) -> str:
        options = self.config.stash[RUNNER_KEY].options
        assert self.program is not None
        lines = [verdict.explain()]
        if verdict.exception is None and (verdict.signal or verdict.symptom in DEATHS):
            output = [line for line in verdict.output_tail.splitlines() if not line.startswith(DRAW_MARKER)]
            if output:
                lines += ["output (last lines):", *(f"  {line}" for line in output[-OUTPUT_LINES_SHOWN:])]
        shown = _shown_path(self.path)
        lines.append(f"program: {shown} (target {self.program.target})")
        if self.draw is None:
            oracles = self.expectation.oracles if self.expectation else ()
            lines.append(f"reproduce: fuzzfox run {shown} {options.command_line(oracles)}".rstrip())
            return "\n".join(lines)
        shapes = drawn_shapes(verdict.output_tail)
        lines.append(f"hypothesis {self.draw.label}: {self.draw.plan.describe()}")
        lines += [f"  {line}" for line in shapes or ["(the run did not report its shapes)"]]
        lines.append("reproduce: append these lines to the program, then fuzzfox run it:")
        lines += [f"  {line}" for line in reproducer_lines(self.draw.plan)]
        return "\n".join(lines)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ProgramFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, 0, f"fuzzfox program {self.name}"


def skip(reason: str) -> NoReturn:
    """Skip the running item, reported at its program file rather than at this module.

    ``_use_item_location`` is how pytest's own skip markers do it; pytest.skip() has no public
    form of it.
    """
    raise pytest.skip.Exception(reason, _use_item_location=True)


def _shows(verdict: Verdict, expected: Expectation) -> bool:
    """Whether the verdict is still the recorded bug: its symptom, and the recorded text if any."""
    from oracles.verdict import Outcome

    if verdict.outcome is not Outcome.BUG or verdict.symptom is None:
        return False
    if verdict.symptom.value != expected.symptom:
        return False
    return not expected.match or expected.match in verdict.searchable_text()


def _framework_version(name: str) -> str:
    """``tensorflow 2.21.0``: the installed framework a known bug is checked against."""
    from fuzzfox.targets import get_target

    target = get_target(name)
    return f"{target.framework} {target.version()}"


def _shown_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it (paste-able commands)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _draw_rejected(verdict: Verdict) -> bool:
    """The drawn inputs made the program fail before any compiler ran: it cannot take them.

    Not when the generated wrapper is at fault: a variant that does not load, or an error raised
    inside ``fuzzfox.input_draws``, fails the draw.
    """
    from oracles.verdict import Outcome

    if verdict.outcome is not Outcome.INVALID:
        return False
    if verdict.exception is not None and any("input_draws.py" in f for f in verdict.exception.frames):
        return False
    return bool(verdict.modes) or verdict.symptom in DEATHS  # eager ran, or died in an eager phase


# --- running ----------------------------------------------------------------------------------


class SessionRunner:
    """The session's sandbox pools, one per target, shared by all items."""

    def __init__(self, options: PluginOptions) -> None:
        self.options = options
        self.pools: dict[PoolKey, TargetPool] = {}
        self.start_errors: dict[PoolKey, str] = {}

    def verdict(self, item: ProgramItem, program: Program) -> Verdict:
        from fuzzfox.sandbox.pool import WorkerStartError
        from fuzzfox.targets import UnknownTargetError, get_target

        name = program.target
        try:
            target = get_target(name)
        except UnknownTargetError as error:
            raise ProgramFailure(f"invalid: {error}") from None
        if reason := target.missing_reason():
            skip(reason)
        key = _pool_key(program, self.options)
        if key not in self.pools and key not in self.start_errors:
            self._start(key, _lookahead(item, key))
        if key in self.start_errors:
            raise ProgramFailure(self.start_errors[key])
        try:
            return self.pools[key].verdict(program)
        except WorkerStartError as error:
            self.start_errors[key] = f"a {name} sandbox worker died and could not restart: {error}"
            self.pools.pop(key).close()
            raise ProgramFailure(self.start_errors[key]) from None

    def _start(self, key: PoolKey, programs: list[Program]) -> None:
        from fuzzfox.sandbox.pool import PoolConfig, WorkerStartError

        name, oracles = key
        config = PoolConfig(
            name,
            self.options.settings(oracles),
            jobs=max(1, min(self.options.jobs, len(programs))),
            limits=Limits(timeout_s=self.options.timeout_s),
        )
        try:
            self.pools[key] = TargetPool(config, programs)
        except WorkerStartError as error:
            self.start_errors[key] = f"fuzzfox could not start a {name} sandbox worker: {error}"

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()
        self.pools.clear()


# A pool judges the programs of one target with one list of oracles: () is the session's, a
# known bug's own ``oracle`` header, when it differs, gets a pool of its own.
PoolKey = tuple[str, tuple[str, ...]]


def _pool_key(program: Program, options: PluginOptions) -> PoolKey:
    expectation = program.expectation
    own = expectation.oracles if expectation is not None else ()
    return program.target, own if own != options.oracles else ()


def _lookahead(item: ProgramItem, key: PoolKey) -> list[Program]:
    """The programs to queue when ``item`` starts a pool: every selected item's that it judges.

    A pytest-xdist worker runs only the items it is sent, one at a time: it queues just its own.
    """
    if hasattr(item.config, "workerinput"):
        return [item.program] if item.program is not None else []
    options = item.config.stash[OPTIONS_KEY]
    return [
        other.program
        for other in item.session.items
        if isinstance(other, ProgramItem)
        and other.program is not None
        and _pool_key(other.program, options) == key
    ]


class TargetPool:
    """A started pool working through a queue of programs; verdicts are kept by program object."""

    def __init__(self, config: PoolConfig, programs: list[Program]) -> None:
        from fuzzfox.sandbox.pool import LocalPool

        self.pool: LocalPool = LocalPool(config)
        self.pool.start()
        self.verdicts: dict[int, Verdict] = {}
        self.queued: set[int] = set()
        self.results: Iterator[tuple[Program, Verdict]] = iter(())
        self._queue(programs)

    def _queue(self, programs: list[Program]) -> None:
        for program, verdict in self.results:  # finish the previous queue first: one run at a time
            self.verdicts[id(program)] = verdict
        self.queued = {id(program) for program in programs}
        self.results = self.pool.run(programs)

    def verdict(self, program: Program) -> Verdict:
        """Its verdict; a program not queued yet (an item run twice, say) is queued alone."""
        key = id(program)
        if key not in self.verdicts and key not in self.queued:
            self._queue([program])
        while key not in self.verdicts:
            done, verdict = next(self.results)
            self.verdicts[id(done)] = verdict
        return self.verdicts[key]

    def close(self) -> None:
        close_results = getattr(self.results, "close", None)
        if close_results is not None:
            close_results()  # an unfinished run stops its workers at once
        self.pool.close()
