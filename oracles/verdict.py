"""The Verdict: what one program did under the oracles, said plainly.

Symptoms and stages follow NNSmith: a *symptom* is what went wrong (crash, wrong value, ...),
a *stage* is when (compiling, executing the compiled code, or only when comparing results).
An *outcome* says what a user should do with it: ``bug`` is a candidate worth triage,
``dropped`` is a mismatch the instability filter explained away (kept, with the rule, so the
false-negative side can be audited), ``invalid`` is a program that fails without any compiler
(eager raises, or crashes/hangs before compilation), ``pass`` is agreement.
"""

from __future__ import annotations

import dataclasses
import json
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    PASS = "pass"
    BUG = "bug"
    DROPPED = "dropped"
    INVALID = "invalid"


class Symptom(StrEnum):
    CRASH = "crash"  # compiled raises or dies, eager does not
    STATUS = "status"  # eager raises, compiled does not (e.g. a missing argument check)
    WRONG_SHAPE = "wrong_shape"
    WRONG_DTYPE = "wrong_dtype"
    WRONG_VALUE = "wrong_value"
    WRONG_GRADIENT = "wrong_gradient"  # autodiff modes, numbers or compiled gradients disagree
    TIMEOUT = "timeout"


class Stage(StrEnum):
    COMPILATION = "compilation"
    EXECUTION = "execution"
    VERIFICATION = "verification"


@dataclasses.dataclass
class ExceptionInfo:
    type: str
    message: str
    frames: list[str]  # innermost last, "file:line in function"


@dataclasses.dataclass
class ModeResult:
    """One run of the program in one mode (eager, eager-fp64, or a compiled backend)."""

    mode: str
    ok: bool
    seconds: float
    stage: Stage | None = None
    exception: ExceptionInfo | None = None


@dataclasses.dataclass
class Verdict:
    outcome: Outcome
    summary: str
    symptom: Symptom | None = None
    stage: Stage | None = None
    backend: str | None = None  # the compiled mode that misbehaved
    blame: str | None = None  # which layer the evidence points at
    drop_rule: str | None = None  # the instability rule that dropped a mismatch
    exception: ExceptionInfo | None = None
    signal: int | None = None
    leaf: str | None = None  # which output (e.g. "out[0]", "input[1]") differed
    max_abs_err: float | None = None
    max_rel_err: float | None = None
    rmse_compiled_vs_fp64: float | None = None
    rmse_eager_vs_fp64: float | None = None
    modes: list[ModeResult] = dataclasses.field(default_factory=list)
    output_tail: str = ""
    seconds: float = 0.0
    triggers: list[str] = dataclasses.field(default_factory=list)  # optimizations reached
    draw: str | None = None  # the input draw (oracles.boundary) that showed it; None: as recorded

    @property
    def is_bug(self) -> bool:
        return self.outcome is Outcome.BUG

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), allow_nan=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        def exc(value: dict[str, Any] | None) -> ExceptionInfo | None:
            return ExceptionInfo(**value) if value else None

        def enum(kind: type[StrEnum], value: str | None) -> Any:
            return kind(value) if value else None

        fields = dict(data)
        fields["outcome"] = Outcome(fields["outcome"])
        fields["symptom"] = enum(Symptom, fields.get("symptom"))
        fields["stage"] = enum(Stage, fields.get("stage"))
        fields["exception"] = exc(fields.get("exception"))
        fields["modes"] = [
            ModeResult(
                mode=m["mode"],
                ok=m["ok"],
                seconds=m["seconds"],
                stage=enum(Stage, m.get("stage")),
                exception=exc(m.get("exception")),
            )
            for m in fields.get("modes", [])
        ]
        return cls(**fields)

    @classmethod
    def from_json(cls, text: str) -> Verdict:
        return cls.from_dict(json.loads(text))

    def searchable_text(self) -> str:
        """The explanation and the exception: where a regression program's ``match:`` is looked for."""
        info = self.exception
        return self.explain() + (f"\n{info.type}: {info.message}" if info is not None else "")

    def explain(self) -> str:
        """A few lines a person can read: what, where, how far off, and why we believe it."""
        lines = [f"{self.outcome.value}: {self.summary}"]
        if self.symptom:
            where = f" at {self.stage.value}" if self.stage else ""
            who = f" in {self.backend}" if self.backend else ""
            lines.append(f"symptom: {self.symptom.value}{where}{who}; blame: {self.blame or '-'}")
        if self.drop_rule:
            lines.append(f"dropped by rule: {self.drop_rule}")
        if self.draw:
            lines.append(
                f"on the {self.draw!r} boundary input draw (oracles.boundary), not the recorded inputs"
            )
        if self.max_abs_err is not None:
            relative = f", max rel err {self.max_rel_err:.3g}" if self.max_rel_err is not None else ""
            lines.append(f"{self.leaf or 'output'}: max abs err {self.max_abs_err:.3g}{relative}")
        if self.rmse_compiled_vs_fp64 is not None:
            lines.append(
                f"rmse vs fp64: compiled {self.rmse_compiled_vs_fp64:.3g}, "
                f"eager {self.rmse_eager_vs_fp64:.3g}"
            )
        if self.exception:
            lines.append(f"{self.exception.type}: {self.exception.message[:500]}")
            lines.extend(f"  at {frame}" for frame in self.exception.frames[-3:])
        if self.signal:
            lines.append(f"killed by signal {self.signal}")
        return "\n".join(lines)


_SEVERITY = {Outcome.PASS: 0, Outcome.INVALID: 1, Outcome.DROPPED: 2, Outcome.BUG: 3}


def combine(values: Verdict, grads: Verdict) -> Verdict:
    """The values and the gradient verdicts of one program as one: the worse of the two
    (bug > dropped > invalid > pass; values on a tie), both summaries kept."""
    grads_worse = _SEVERITY[grads.outcome] > _SEVERITY[values.outcome]
    primary, other = (grads, values) if grads_worse else (values, grads)
    names = ("grads", "values") if grads_worse else ("values", "grads")
    outcome = other.outcome.value + (f" by {other.drop_rule}" if other.drop_rule else "")
    summary = f"{names[0]}: {primary.summary} | {names[1]}: {outcome}: {other.summary}"
    return dataclasses.replace(
        primary,
        summary=summary,
        modes=[*values.modes, *grads.modes],
        seconds=values.seconds + grads.seconds,
        triggers=values.triggers or grads.triggers,
        output_tail=primary.output_tail or other.output_tail,
    )
