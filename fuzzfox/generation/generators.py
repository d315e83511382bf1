"""The campaign's program generators behind one call: LLM, AST mutation, op-graph synthesis.

Each turns a request (an optimization, its requirement, examples drawn from its pool) into
candidates: programs with a header saying which generator and which parents made them, or a
reason why an output is not a program.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Protocol

from fuzzfox.generation import mutate_array, op_sample_programs, synth_array
from fuzzfox.generation.answers import Candidate, parse_answer
from fuzzfox.generation.mutate import mutate
from fuzzfox.generation.ops.array import TARGETS as ARRAY_TARGETS
from fuzzfox.generation.pattern_directed import can_write, pattern_programs
from fuzzfox.generation.prompt import GenerationPrompt
from fuzzfox.generation.synth import synthesize
from fuzzfox.generation.synth_aim import aim_for
from fuzzfox.llm.client import LLMClient
from fuzzfox.program import DEFAULT_MODE, EXPLORE, Program, ProgramError, parse_program, with_header
from fuzzfox.whitebox.optimization import Optimization


@dataclasses.dataclass(frozen=True)
class GenerationRequest:
    target: str
    optimization: str
    requirement: str | None
    examples: tuple[Program, ...]
    count: int
    seed: int
    # Other optimizations a program may aim at as well: first visits of decompositions and
    # lowerings, which the pattern generator bundles into one program of OpInfo calls.
    companions: tuple[str, ...] = ()
    # How earlier programs for the optimization failed, most frequent first (for the LLM's prompt).
    failures: tuple[str, ...] = ()
    # The optimization's own code (pattern, replacement, extra_check), for the LLM's prompt.
    source: str = ""

    @property
    def mode(self) -> str:
        return self.examples[0].mode if self.examples else DEFAULT_MODE

    @property
    def config(self) -> str:
        """The examples' Inductor config, which children keep (e.g. freezing for mkldnn fusions)."""
        return self.examples[0].metadata.get("config", "") if self.examples else ""


class Generator(Protocol):
    name: str

    def available(self, request: GenerationRequest) -> bool: ...

    def generate(self, request: GenerationRequest) -> list[Candidate]: ...


def _aimed_at(program: Program, request: GenerationRequest) -> Candidate:
    """The program with its header naming the requested optimization, re-checked by the parser."""
    retargeted = with_header(program, target=request.target, optimization=request.optimization)
    return _checked(retargeted)


def _checked(program: Program) -> Candidate:
    try:
        return Candidate(program.source, parse_program(program.source), None)
    except ProgramError as error:
        return Candidate(program.source, None, str(error))


class LLMGenerator:
    """A generation LLM shown the requirement and k pool examples; n answers per request."""

    def __init__(self, client: LLMClient, prompt: GenerationPrompt, model: str) -> None:
        self.client = client
        self.prompt = prompt
        self.name = f"llm:{model}"

    def available(self, request: GenerationRequest) -> bool:
        return True

    def generate(self, request: GenerationRequest) -> list[Candidate]:
        sources = [e.source for e in request.examples]
        messages = self.prompt.messages(
            request.optimization, request.requirement, sources, request.failures, request.source
        )
        answers = self.client.complete(messages, n=request.count, seed=request.seed)
        parents = [e.id for e in request.examples]
        return [
            candidate
            for answer in answers
            for candidate in parse_answer(
                answer,
                target=request.target,
                optimization=request.optimization,
                origin=self.name,
                parents=parents,
                mode=request.mode,
                config=request.config,
                shown=self.prompt.shown_programs(sources),
            )
        ]


class MutationGenerator:
    """AST mutants of the examples, one to three mutations each (torch programs by
    :mod:`~fuzzfox.generation.mutate`, jax-xla and tf-xla ones by :mod:`~fuzzfox.generation.mutate_array`)."""

    name = "mutate"

    def available(self, request: GenerationRequest) -> bool:
        return bool(request.examples)

    def generate(self, request: GenerationRequest) -> list[Candidate]:
        rng = random.Random(request.seed)
        mutator = mutate_array.mutate if request.target in ARRAY_TARGETS else mutate
        candidates = []
        for number in range(request.count):
            parent = request.examples[number % len(request.examples)]
            mutant = mutator(parent, rng, mutations=rng.randint(1, 3))
            if mutant is None:
                candidates.append(Candidate(parent.source, None, "no mutation applies"))
            else:
                candidates.append(_aimed_at(mutant, request))
        return candidates


class SynthGenerator:
    """Well-typed op graphs drawn by hypothesis; they ignore the examples.

    They aim at the requested optimization where they can and say ``optimization: explore`` in
    their header where they cannot.  For jax-xla and tf-xla
    (:mod:`~fuzzfox.generation.synth_array`) the graphs contain an op that reaches the requested
    rule when the op registry knows one; for torch (given the ``catalog``) they draw the op
    families and ops the optimization's pattern names more often (:mod:`~fuzzfox.generation.synth_aim`).
    """

    name = "synth"

    def __init__(self, catalog: dict[str, Optimization] | None = None) -> None:
        self.catalog = catalog or {}

    def available(self, request: GenerationRequest) -> bool:
        return True

    def generate(self, request: GenerationRequest) -> list[Candidate]:
        if request.target in ARRAY_TARGETS:
            drawn = synth_array.synthesize(request.target, request.seed, request.count, request.optimization)
            return [_checked(with_header(program, target=request.target)) for program in drawn]
        optimization = self.catalog.get(request.optimization)
        aim = aim_for(optimization) if optimization is not None else None
        header = request.optimization if aim is not None else EXPLORE
        programs = synthesize(request.seed, request.count, optimization=header, aim=aim)
        return [_checked(with_header(program, target=request.target)) for program in programs]


class PatternGenerator:
    """Programs written from the optimization's own pattern and the recipe of its trace
    (:mod:`~fuzzfox.generation.pattern_directed`); only for optimizations it can write, where the
    campaign gives it the rounds of an empty pool.

    A round writes at most :attr:`per_round` programs, not the campaign's batch: the canonical
    program and one variant (the campaign asks for the canonical one alone on a first visit).
    When the canonical one reaches its optimization the variants do too, and when it does not they
    rarely do (a 30-minute campaign: 13 of 17 pattern rounds had every program or none trigger
    it), so the rest of a batch is better spent on the next empty pool; mutation varies what
    reached it."""

    name = "pattern"
    per_round = 2
    # OpInfo calls per first-visit program of decompositions and lowerings (each entry's distinct
    # calls, :func:`~fuzzfox.generation.op_sample_programs.visit_calls`).  Judged with values and
    # gradients on 2 cores (5 bundles of each size drawn as a campaign draws them, torch 2.13,
    # 2026-12-08), a program of 6 calls took 2.7-9.2 s, of 12 calls 4.1-18.1 s, of 24 calls
    # 7.3-11.2 s: 0.86, 0.72 and 0.38 s a call, the program's fixed cost (the sandbox, Dynamo,
    # the oracles' runs, the C++ compile's start) shared by more calls.
    bundle = 24

    def __init__(self, catalog: dict[str, Optimization]) -> None:
        self.writable = {ident for ident, optimization in catalog.items() if can_write(optimization)}
        self.bundlable = {ident for ident in self.writable if op_sample_programs.can_write(catalog[ident])}
        self.catalog = catalog
        # Table entries a bundle holds on average, for the draw's reach of a first visit.
        per_entry = [self.calls(o, op_sample_programs.gradients_checked(catalog[o])) for o in self.bundlable]
        self.entries_per_bundle = max(1, round(self.bundle * len(per_entry) / max(1, sum(per_entry))))

    def calls(self, optimization: str, with_gradients: bool) -> int:
        """How many calls a first visit makes of the table entry ``optimization``."""
        return op_sample_programs.visit_call_count(self.catalog[optimization], with_gradients)

    def available(self, request: GenerationRequest) -> bool:
        return request.optimization in self.writable

    def generate(self, request: GenerationRequest) -> list[Candidate]:
        bundled = [o for o in (request.optimization, *request.companions) if o in self.bundlable]
        if request.companions and len(bundled) > 1 and bundled[0] == request.optimization:
            programs = op_sample_programs.bundled_programs([self.catalog[o] for o in bundled], request.seed)
            if programs:
                return [_checked(program) for program in programs]
        count = min(request.count, self.per_round)
        programs = pattern_programs(self.catalog[request.optimization], request.seed, count)
        return [_checked(program) for program in programs]
