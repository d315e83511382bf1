"""Known bugs: a cluster that shows a bug kept in ``corpus/regressions/`` is named, not minimized.

Every confirmed framework bug is a minimized regression program (``expect: bug``).  Triage
judges the target's regression programs once, under the settings the cluster's candidates were
recorded with, and each verdict that is still a bug gives the known bug's signature: the
program's ops and the optimizations it triggered, which are what the bug needs since the program
is minimal.  A cluster whose representative holds one (``signature.holds_known_bug``: a crash
that is the same bug, or a silent mismatch at the same place whose program has every op and
rewrite rule of the known one, or, where the regression names a ``family:`` of rules that all
hold its bug, one after any rule of it whose verdict shows the regression's ``match:``) is
labelled with the regression's path and is not minimized: campaigns on torch 2.13 meet the
quantized linear + add overwrite in most runs, and minimizing it
again cost minutes each time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from fuzzfox.program import Expectation, Program, ProgramError, load_program
from fuzzfox.triage.signature import Signature, holds_known_bug, signature_of
from oracles.verdict import Verdict

if TYPE_CHECKING:
    from fuzzfox.triage.reproduce import RunSettings

ROOT = Path(__file__).resolve().parents[2]
REGRESSIONS = ROOT / "corpus" / "regressions"


@dataclasses.dataclass(frozen=True)
class KnownBug:
    path: str  # the regression program, relative to the checkout when it lies in one
    description: str
    signature: Signature
    match: str = ""  # the regression's ``match:``: text its verdict shows
    family: tuple[str, ...] = ()  # the regression's ``family:``: rules that all hold the bug

    def shown_by(self, observed: Signature, text: str) -> bool:
        """Whether a program with signature ``observed`` and verdict ``text`` shows this bug (a
        family match also needs the regression's ``match:`` text in the verdict)."""
        if self.family and self.match not in text:
            return False
        return holds_known_bug(observed, self.signature, self.family)


def regression_programs(target: str, root: Path = REGRESSIONS) -> list[Program]:
    """The regression programs of ``target`` (none where fuzzfox runs without its checkout)."""
    programs = []
    for path in sorted((root / target).glob("*.py")):
        try:
            programs.append(load_program(path, target))
        except ProgramError:
            continue  # tests/test_regressions.py keeps them well-formed
    return programs


class KnownBugs:
    """The known bugs of a target under one run settings each, judged on first use."""

    def __init__(
        self,
        judge: Callable[[RunSettings, list[Program]], list[Verdict]],
        note: Callable[[str], None] = lambda _: None,
        root: Path = REGRESSIONS,
    ) -> None:
        self._judge = judge
        self._note = note
        self._root = root
        self._by_settings: dict[str, list[KnownBug]] = {}

    def of(self, run: RunSettings) -> list[KnownBug]:
        key = run.pool_key()
        if key not in self._by_settings:
            programs = regression_programs(run.target, self._root)
            if programs:
                self._note(f"judging {len(programs)} regression program(s) of {run.target}: the known bugs")
            verdicts = self._judge(run, programs) if programs else []
            self._by_settings[key] = [
                _known_bug(p, v) for p, v in zip(programs, verdicts, strict=True) if v.is_bug
            ]
        return self._by_settings[key]

    def match(self, run: RunSettings, observed: Signature, text: str) -> KnownBug | None:
        """The first known bug a program with signature ``observed`` and verdict ``text``
        (:meth:`~oracles.verdict.Verdict.searchable_text`) shows, if any."""
        return next((bug for bug in self.of(run) if bug.shown_by(observed, text)), None)


def _known_bug(program: Program, verdict: Verdict) -> KnownBug:
    expectation = Expectation.from_metadata(program.metadata)
    return KnownBug(
        _shown(program.path),
        program.metadata.get("description", ""),
        signature_of(verdict, program.source),
        expectation.match if expectation else "",
        expectation.family if expectation else (),
    )


def _shown(path: str | None) -> str:
    if path is None:
        return "?"
    resolved = Path(path).resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else str(resolved)
