"""The repair round: which of the model's failures go back to it, and the short prompt over HTTP.

The server is the scripted test server (tests/llm/fault_llm_server.py): what a real model answers
cannot be chosen, and these tests need to know what it said.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("openai", reason="the openai package is not installed")

from fuzzfox.generation.answers import COPY, NO_CODE, Candidate
from fuzzfox.generation.prompt import (
    MAX_SOURCE_CHARS,
    REPAIR_ASK,
    SOURCE_INTRO,
    SOURCE_TRUNCATION_MARK,
    GenerationPrompt,
)
from fuzzfox.generation.repair import (
    INVALID,
    MISSED,
    REJECTED,
    LLMRepairer,
    problem_text,
    ticket_for_reject,
    ticket_for_run,
)
from fuzzfox.llm.client import LLMClient, LLMSettings
from fuzzfox.program import Program, parse_program
from oracles.verdict import ExceptionInfo, Outcome, Verdict
from tests.llm.fault_llm_server import FaultServer, running

TARGET = "torch-inductor"
BROKEN = """# target: torch-inductor
# optimization: mm_plus_mm
# origin: llm:m
# parent: -
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.mm(x, x)


def make_inputs():
    return (torch.randn(2, 3),)
"""
FIXED = BROKEN.replace("torch.mm(x, x)", "torch.mm(x, x.t())").split("import torch", 1)[1]


def written_by(origin: str) -> Program:
    return parse_program(BROKEN.replace("# origin: llm:m", f"# origin: {origin}"))


INVALID_VERDICT = Verdict(
    Outcome.INVALID,
    "eager raised",
    exception=ExceptionInfo("RuntimeError", "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)", []),
)


def test_a_program_that_fails_without_a_compiler_is_owed_a_repair_with_its_error() -> None:
    ticket = ticket_for_run(written_by("llm:m"), INVALID_VERDICT)
    assert ticket is not None and ticket.kind == INVALID and ticket.parent == written_by("llm:m").id
    assert ticket.error == "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"
    assert "2x3 and 2x3" in problem_text(ticket, None)


def test_a_program_that_misses_its_optimization_is_owed_one_that_reached_it_or_is_a_bug_is_not() -> None:
    program = written_by("llm:m")
    missed = ticket_for_run(program, Verdict(Outcome.PASS, "ok", triggers=["other_pass"]))
    assert missed is not None and missed.kind == MISSED
    text = problem_text(missed, "forward() needs two mm calls added together")
    assert "does not reach `mm_plus_mm`" in text and "two mm calls added together" in text
    assert ticket_for_run(program, Verdict(Outcome.PASS, "ok", triggers=["mm_plus_mm"])) is None
    assert ticket_for_run(program, Verdict(Outcome.BUG, "compiled differs")) is None


def test_the_models_first_answers_and_the_pattern_writers_misses_are_repaired_nothing_else() -> None:
    assert ticket_for_run(written_by("llm-repair:m"), INVALID_VERDICT) is None
    assert ticket_for_run(written_by("mutate"), INVALID_VERDICT) is None
    missed = Verdict(Outcome.PASS, "ok", triggers=["other_pass"])
    assert ticket_for_run(written_by("mutate"), missed) is None
    assert ticket_for_run(written_by("synth"), missed) is None
    for first_visit in ("pattern", "opinfo"):
        ticket = ticket_for_run(written_by(first_visit), missed)
        assert ticket is not None and ticket.kind == MISSED, first_visit
        assert ticket_for_run(written_by(first_visit), INVALID_VERDICT) is None  # misses only
        reached = Verdict(Outcome.PASS, "ok", triggers=["mm_plus_mm"])
        assert ticket_for_run(written_by(first_visit), reached) is None


def test_a_miss_without_a_requirement_is_shown_the_optimizations_own_code_cut() -> None:
    ticket = ticket_for_run(written_by("pattern"), Verdict(Outcome.PASS, "ok", triggers=[]))
    assert ticket is not None
    code = "def pattern(a, b, c, d):\n    return torch.mm(a, b) + torch.mm(c, d)\n" + "# check\n" * 400
    text = problem_text(ticket, None, code)
    assert SOURCE_INTRO in text and "torch.mm(a, b) + torch.mm(c, d)" in text
    assert SOURCE_TRUNCATION_MARK in text and len(text) < MAX_SOURCE_CHARS + 300
    with_requirement = problem_text(ticket, "forward() needs two mm calls added together", code)
    assert "two mm calls added together" in with_requirement and SOURCE_INTRO not in with_requirement


def test_a_rejected_answer_is_repaired_only_when_there_is_code_to_start_from() -> None:
    code = "class Model(torch.nn.Module):\n    def forward(self, x):\n        return x +\n"
    rejected = Candidate(code, None, "syntax error: invalid syntax")
    ticket = ticket_for_reject(rejected, "mm_plus_mm", "inference", "")
    assert ticket is not None and ticket.kind == REJECTED and ticket.parent == "-"
    assert "syntax error" in problem_text(ticket, None)
    assert ticket_for_reject(Candidate("Sure!", None, NO_CODE), "mm_plus_mm", "inference", "") is None
    assert ticket_for_reject(Candidate(code, None, COPY), "mm_plus_mm", "inference", "") is None


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with running(FaultServer()) as instance:
        yield instance


def repairer(server: FaultServer) -> LLMRepairer:
    client = LLMClient(LLMSettings(base_url=server.url, model="m", timeout_s=10, max_retries=0))
    return LLMRepairer(client, GenerationPrompt(TARGET), "m", TARGET)


def test_the_repair_prompt_is_short_and_its_answer_is_a_child_of_the_failed_program(
    server: FaultServer,
) -> None:
    asked: list[str] = []

    def answer(messages: list[dict[str, str]]) -> str:
        asked.append(messages[-1]["content"])
        return f"```python\n{FIXED}\n```"

    server.answer = answer
    ticket = ticket_for_run(written_by("llm:m"), INVALID_VERDICT)
    assert ticket is not None
    (candidate,) = repairer(server).repair(ticket, None, seed=1)
    (prompt,) = asked
    assert "torch.mm(x, x)" in prompt and "2x3 and 2x3" in prompt and REPAIR_ASK in prompt
    assert "Example 1" not in prompt and len(prompt) < 2500  # no examples: a fraction of a first prompt
    assert candidate.program is not None, candidate.reason
    assert candidate.program.metadata["origin"] == "llm-repair:m"
    assert candidate.program.metadata["parent"] == written_by("llm:m").id
    assert candidate.program.optimization == "mm_plus_mm" and "x.t()" in candidate.program.source


def test_the_failed_program_handed_back_unchanged_is_no_repair(server: FaultServer) -> None:
    server.answer = lambda messages: "```python\n" + BROKEN.split("import torch", 1)[1] + "\n```"
    ticket = ticket_for_run(written_by("llm:m"), INVALID_VERDICT)
    assert ticket is not None
    (candidate,) = repairer(server).repair(ticket, None, seed=1)
    assert candidate.program is None and (candidate.reason or "").startswith(COPY)
