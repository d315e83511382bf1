"""A second try for failed programs, as FUEL does: the program goes to the model once, with what
went wrong.

Three failures of the model's first answers get one: a program that fails without any compiler
(its verdict is ``invalid``: eager raised, or it crashed before compiling), one that runs but does
not reach the optimization it was written for, and an answer that is no program the harness can
run (a rejected candidate with code in it).  So does a first visit of the pattern writer that
runs but misses its optimization: it was written from the optimization's own pattern, so it is
already close, and the model starts from a program that runs instead of from nothing.  The
prompt is short (the program, the error or the miss, the rules: no examples), so a repair costs
a fraction of a first answer, and the answer cache makes a repeated one free.  A repaired program
is never repaired again, and its origin is ``llm-repair:<model>`` so that what repairs add is
counted apart from what the model writes first.
"""

from __future__ import annotations

import dataclasses

from fuzzfox.generation.answers import COPY, NO_CODE, Candidate, parse_answer
from fuzzfox.generation.prompt import (
    MAX_SOURCE_CHARS,
    SOURCE_INTRO,
    SOURCE_TRUNCATION_MARK,
    GenerationPrompt,
    truncate_example,
    truncate_text,
)
from fuzzfox.llm.client import LLMClient
from fuzzfox.program import Program
from oracles.verdict import Outcome, Verdict

MAX_ERROR_CHARS = 600
MAX_REQUIREMENT_CHARS = 600
INVALID = "invalid"  # fails without a compiler
MISSED = "missed"  # runs, does not reach its optimization
REJECTED = "rejected"  # no program the harness can run
# The pattern writer's first visits (a pattern's canonical program; bundled OpInfo calls).
FIRST_VISIT_ORIGINS = ("pattern", "opinfo")


@dataclasses.dataclass(frozen=True)
class RepairTicket:
    kind: str  # INVALID, MISSED or REJECTED
    optimization: str
    source: str  # the failed program, or the code of the rejected answer
    error: str  # the error or the reason; empty for a miss
    parent: str  # the failed program's id; "-" for a rejected answer
    mode: str
    config: str


def ticket_for_run(program: Program, verdict: Verdict) -> RepairTicket | None:
    """What to repair in a judged program of the model's first answers or of the pattern writer's
    first visits, or None (it reached its optimization, or it is a bug candidate, or it was a
    repair already, or another generator wrote it)."""
    origin = program.metadata.get("origin", "")
    ran = verdict.outcome in (Outcome.PASS, Outcome.DROPPED)
    missed = ran and program.optimization not in verdict.triggers
    if origin.startswith("llm:") and verdict.outcome is Outcome.INVALID:
        kind, error = INVALID, _error_text(verdict)
    elif (origin.startswith("llm:") or origin in FIRST_VISIT_ORIGINS) and missed:
        kind, error = MISSED, ""
    else:
        return None
    config = program.metadata.get("config", "")
    return RepairTicket(kind, program.optimization, program.source, error, program.id, program.mode, config)


def ticket_for_reject(candidate: Candidate, optimization: str, mode: str, config: str) -> RepairTicket | None:
    """A rejected answer with code in it, or None (no code, or a copy of a shown program: nothing
    a fix could start from)."""
    reason = candidate.reason or ""
    if candidate.program is not None or reason.startswith((NO_CODE, COPY)) or not candidate.source.strip():
        return None
    return RepairTicket(REJECTED, optimization, candidate.source, reason, "-", mode, config)


def problem_text(ticket: RepairTicket, requirement: str | None, source: str = "") -> str:
    """What went wrong, in words for the model: for a miss, what the optimization needs (its
    requirement, or else its own code, cut)."""
    if ticket.kind == INVALID:
        return f"Run as it is, without any compiler, it fails:\n```\n{ticket.error}\n```"
    if ticket.kind == REJECTED:
        return f"The test harness cannot use it: {truncate_text(ticket.error, MAX_ERROR_CHARS)}."
    if requirement and requirement.strip():
        text = truncate_text(requirement.strip(), MAX_REQUIREMENT_CHARS)
        needs = f" What a program needs to reach it:\n{text}"
    elif source.strip():
        code = truncate_example(source.strip(), MAX_SOURCE_CHARS, SOURCE_TRUNCATION_MARK)
        needs = f"\n\n{SOURCE_INTRO}\n```python\n{code}\n```"
    else:
        needs = ""
    return f"It runs, but compiling it does not reach `{ticket.optimization}`.{needs}"


class LLMRepairer:
    """Asks the model for one fixed program per ticket."""

    def __init__(self, client: LLMClient, prompt: GenerationPrompt, model: str, target: str) -> None:
        self.client = client
        self.prompt = prompt
        self.target = target
        self.name = f"llm-repair:{model}"

    def repair(
        self, ticket: RepairTicket, requirement: str | None, seed: int, source: str = ""
    ) -> list[Candidate]:
        """``source`` is the optimization's own code, shown for a miss without a requirement."""
        messages = self.prompt.repair_messages(
            ticket.optimization, ticket.source, problem_text(ticket, requirement, source)
        )
        (answer,) = self.client.complete(messages, n=1, seed=seed)
        return parse_answer(
            answer,
            target=self.target,
            optimization=ticket.optimization,
            origin=self.name,
            parents=[] if ticket.parent == "-" else [ticket.parent],
            mode=ticket.mode,
            config=ticket.config,
            shown=[ticket.source],  # the same program handed back is no repair
        )


def error_text(kind: str, message: str, lines: int = 3) -> str:
    """An exception as the model is shown it: its type and the first ``lines`` of its message."""
    return truncate_text(f"{kind}: {' '.join(message.strip().splitlines()[:lines])}", MAX_ERROR_CHARS)


def _error_text(verdict: Verdict) -> str:
    exception = verdict.exception
    if exception is None:
        return truncate_text(verdict.summary, MAX_ERROR_CHARS)
    return error_text(exception.type, exception.message)
