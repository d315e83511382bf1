"""Test-program minimization by delta debugging on the program's AST.

``minimize`` shrinks a program while a caller's predicate says the bug's signature still holds.
Each round runs Zeller's ddmin over the values the entry point returns in a tuple, then over every
statement list (compute code first, then ``__init__``, ``make_inputs``, the class and the module),
then the greedy passes of
``minimize_passes.GREEDY_PASSES`` in their order: drop a layer, unwrap a loop or ``if``, replace a
sub-expression by an operand or an input, drop an unused input, drop an argument, inline a
single-use variable, shrink sizes, simplify floats.  Rounds repeat until one changes nothing (a
fixpoint) or the budget is spent.  Before them, the program's compile settings (its ``# compile:``
and ``# config:`` pairs) are bisected the way Inductor's ``ConfigFuzzer`` does: each pair is
dropped while the bug still holds, so the reproducer names the smallest set of settings that
fails (``dynamic=True`` alone, say).

Candidates are judged in batches (``still_fails`` may run a batch in parallel); the first one of a
batch, in the passes' order, that still fails wins, so the answers alone decide the result.  A
candidate is sent only if it is a well-formed program (parses, keeps the format, binds every
name it reads) and is strictly smaller than the current best under :func:`size_key` (fewer
tokens, then shorter source, then simpler numbers), which also makes the search terminate.

What "minimal" means: when the search ends at a fixpoint (not on the budget), no single edit of
any pass, applied to the result and followed by dead-code removal, gives a well-formed, smaller
program that still fails; in particular no single statement can be removed from any function,
class or module body without breaking the program or losing the bug (1-minimal in statements).
Dead-code removal is part of every candidate unless removing dead code alone loses the bug at
the start (a bug that needs an unused import, say); then it is off for the whole search.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import io
import math
import time
import tokenize
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import TypeVar

from fuzzfox.program import Program, ProgramError, parse_program
from fuzzfox.triage.minimize_passes import GREEDY_PASSES
from fuzzfox.triage.minimize_passes.check import layer_names, well_formed
from fuzzfox.triage.minimize_passes.cleanup import remove_dead_code
from fuzzfox.triage.minimize_passes.common import Edit
from fuzzfox.triage.minimize_passes.inputs import input_edits
from fuzzfox.triage.minimize_passes.outputs import keep_outputs, returned_values
from fuzzfox.triage.minimize_passes.settings import settings_pairs, without_settings
from fuzzfox.triage.minimize_passes.statements import bodies, body_of, keep_statements

BATCH_SIZE = 4  # candidates per still_fails call: parallel work for the pool, few wasted tests
LAYOUT_TOKENS = frozenset(
    {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    | {tokenize.ENDMARKER, tokenize.ENCODING}
)

Tag = TypeVar("Tag")


@dataclasses.dataclass
class MinimizeResult:
    program: Program  # the smallest program found (same header as the input, plus minimized-from)
    statements_before: int
    statements_after: int  # ast.stmt nodes
    tokens_before: int
    tokens_after: int  # tokenize tokens, without comments and layout (NL, NEWLINE, INDENT, DEDENT)
    tests: int  # predicate evaluations spent, the final verification included
    seconds: float
    verified: bool  # a separate run of the predicate on the result, at the end, still failed


def count_statements(source: str) -> int:
    return sum(isinstance(node, ast.stmt) for node in ast.walk(ast.parse(source)))


def count_tokens(source: str) -> int:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return sum(token.type not in LAYOUT_TOKENS for token in tokens)


def size_key(source: str) -> tuple[int, int, float, str]:
    """The order candidates must descend in: tokens, characters, how far numbers are from 0 and 1."""
    numbers = [
        n.value
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Constant) and type(n.value) in (int, float)
    ]
    roughness = sum(0.0 if v in (0, 1) else abs(v) + (not math.isfinite(v) or v != int(v)) for v in numbers)
    return count_tokens(source), len(source), roughness, source


def minimize(
    program: Program,
    still_fails: Callable[[list[Program]], list[bool]],
    *,
    budget_tests: int = 200,
    budget_seconds: float = 600.0,
) -> MinimizeResult:
    """The smallest program found that still fails, within ``budget_tests`` predicate evaluations.

    The time budget is checked before each batch, so a search may overrun it by one batch and the
    final verification.  A program that does not fail to begin with comes back unreduced, with
    ``verified`` False.
    """
    started = time.monotonic()
    search = _Search(program, still_fails, budget_tests, started + budget_seconds)
    verified = search.run()
    result = search.best.program
    return MinimizeResult(
        program=result,
        statements_before=count_statements(program.source),
        statements_after=count_statements(result.source),
        tokens_before=count_tokens(program.source),
        tokens_after=count_tokens(result.source),
        tests=search.tests,
        seconds=time.monotonic() - started,
        verified=verified,
    )


@dataclasses.dataclass
class _Candidate:
    tree: ast.Module
    program: Program
    key: tuple[int, int, float, str]


class _Search:
    def __init__(
        self,
        program: Program,
        still_fails: Callable[[list[Program]], list[bool]],
        budget_tests: int,
        deadline: float,
    ) -> None:
        self.still_fails = still_fails
        self.budget_tests = budget_tests
        self.deadline = deadline
        self.metadata = {**program.metadata, "minimized-from": program.id}
        tree = ast.parse(program.source)
        self.layers = layer_names(tree)
        source = self._render(tree)
        self.best = _Candidate(tree, parse_program(source), size_key(source))
        self.answers: dict[str, bool] = {}  # by source: what the predicate said
        self.refused: set[str] = set()  # sources never to send: ill-formed or not smaller
        self.tests = 0
        self.exhausted = False
        self.clean = True  # remove dead code after every edit (off if that alone loses the bug)

    # ---- the search

    def run(self) -> bool:
        """Minimize; whether the result still failed when run once more at the end."""
        original = self.best
        if self._ask([original], reserved=0) != [True]:
            return False
        self._try_cleanup()
        self._bisect_settings()
        while not self.exhausted and self._round():
            pass
        return self.best is original or self._verify()

    def _verify(self) -> bool:
        """The result, run once more (a flaky answer during the search must not go unnoticed);
        one test of the budget is kept for it, and it runs even when the time is up."""
        if self.tests >= self.budget_tests:
            return False
        self.tests += 1
        return [bool(answer) for answer in self.still_fails([self.best.program])] == [True]

    def _round(self) -> bool:
        progressed = self._ddmin(returned_values, keep_outputs)
        if progressed:  # the inputs only the cut values read, at once, before costlier passes
            self._greedy(input_edits)
        for key in bodies(self.best.tree):
            progressed |= self._ddmin(partial(body_of, key=key), partial(keep_statements, key))
        for edits in GREEDY_PASSES:
            progressed |= self._greedy(edits)
        return progressed

    def _try_cleanup(self) -> None:
        """Dead-code removal is part of every candidate; if it alone loses the bug, turn it off."""
        cleaned = self._prepare(copy.deepcopy(self.best.tree))
        if cleaned is None:  # nothing is dead
            return
        answer = self._ask([cleaned])
        if answer == [True]:
            self.best = cleaned
        elif answer == [False]:
            self.clean = False

    def _bisect_settings(self) -> None:
        """Each round: every single settings pair dropped (one batch); then all the droppable ones
        at once, else the first; until no drop keeps the bug."""
        while not self.exhausted:
            drops = [
                (pair, without_settings(self.metadata, {pair})) for pair in settings_pairs(self.metadata)
            ]
            tries = [
                (pair, metadata, candidate)
                for pair, metadata in drops
                if (candidate := self._with_metadata(metadata)) is not None
            ]
            answers = self._ask([candidate for _, _, candidate in tries])
            hits = [item for item, fails in zip(tries, answers, strict=False) if fails]
            if not hits:
                return
            if len(hits) > 1:
                metadata = without_settings(self.metadata, {pair for pair, _, _ in hits})
                together = self._with_metadata(metadata)
                if together is not None and self._ask([together]) == [True]:
                    self.metadata, self.best = metadata, together
                    continue
            _, self.metadata, self.best = hits[0]

    def _with_metadata(self, metadata: dict[str, str]) -> _Candidate | None:
        """The best tree under other header fields, if it is a new, valid program."""
        candidate = self._prepare(copy.deepcopy(self.best.tree), metadata)
        if candidate is None or self.answers.get(candidate.program.source) is False:
            return None
        return candidate

    def _ddmin(
        self, items: Callable[[ast.Module], Sequence[ast.AST] | None], keep: Callable[[list[int]], Edit]
    ) -> bool:
        """Zeller's ddmin over one list of the tree (``items``: a statement list, the returned
        values; ``keep`` the edit keeping the elements at some indices): keep a chunk, else drop a
        chunk, else refine."""
        granularity, progressed = 2, False
        while not self.exhausted:
            listed = items(self.best.tree)
            size = len(listed) if listed else 0
            if size < 2:
                break
            granularity = min(granularity, size)
            chunks = _split(size, granularity)
            tries = [("subset", chunk) for chunk in chunks]
            if granularity > 2:
                tries += [("complement", [i for i in range(size) if i not in chunk]) for chunk in chunks]
            edits = ((kind, keep(kept)) for kind, kept in tries)
            hit = self._first_failing(self._variants(edits))
            if hit is not None:
                kind, self.best = hit
                granularity = 2 if kind == "subset" else max(granularity - 1, 2)
                progressed = True
            elif granularity >= size:
                break
            else:
                granularity = min(2 * granularity, size)
        return progressed

    def _greedy(self, edits: Callable[[ast.Module], Iterator[Edit]]) -> bool:
        """One sweep over the pass's edits: take each that still fails and go on from there.

        After a success the sweep resumes at the same position in the new tree's edit list rather
        than at the start, so edits already refused in this sweep are not paid for again; the
        next round sweeps again.
        """
        progressed, position = False, 0
        while not self.exhausted:
            listed = list(edits(self.best.tree))[position:]
            hit = self._first_failing(self._variants((position + k, e) for k, e in enumerate(listed)))
            if hit is None:
                break
            position, self.best = hit
            progressed = True
        return progressed

    # ---- candidates

    def _variants(self, edits: Iterable[tuple[Tag, Edit]]) -> Iterator[tuple[Tag, ast.Module]]:
        """Each edit applied to its own copy of the best tree (edits that do not apply are skipped)."""
        for tag, edit in edits:
            tree = copy.deepcopy(self.best.tree)
            if edit(tree):
                yield tag, tree

    def _prepare(self, tree: ast.Module, metadata: dict[str, str] | None = None) -> _Candidate | None:
        """The candidate, if it may be sent: well-formed, new, and smaller than the best so far."""
        if self.clean:
            remove_dead_code(tree)
        try:
            source = self._render(tree, metadata)
        except (ValueError, RecursionError):
            return None
        if source in self.refused:
            return None
        try:
            program = parse_program(source)
        except ProgramError:
            self.refused.add(source)
            return None
        key = size_key(source)
        if key >= self.best.key or not well_formed(tree, self.layers):
            self.refused.add(source)
            return None
        return _Candidate(tree, program, key)

    def _render(self, tree: ast.Module, metadata: dict[str, str] | None = None) -> str:
        """Header (the search's, or ``metadata``), then the code, with PEP 8 blank lines around
        top-level definitions."""
        header = self.metadata if metadata is None else metadata
        lines = [f"# {key}: {value}" for key, value in header.items()]
        definition = (ast.FunctionDef, ast.ClassDef)
        previous: ast.stmt | None = None
        for statement in tree.body:
            if isinstance(statement, definition) or isinstance(previous, definition):
                lines += ["", ""]
            lines.append(_unparse(statement))
            previous = statement
        return "\n".join(lines) + "\n"

    def _first_failing(self, tries: Iterable[tuple[Tag, ast.Module]]) -> tuple[Tag, _Candidate] | None:
        """The first candidate, in order, that still fails; batches go to the predicate together."""
        pending: list[tuple[Tag, _Candidate]] = []
        for tag, tree in tries:
            candidate = self._prepare(tree)
            if candidate is None:
                continue
            known = self.answers.get(candidate.program.source)
            if known is False or any(c.program.source == candidate.program.source for _, c in pending):
                continue
            if known:  # said to fail before, but lost to an earlier one of its batch
                return self._first_of(pending) or (tag, candidate)
            pending.append((tag, candidate))
            if len(pending) == BATCH_SIZE:
                if hit := self._first_of(pending):
                    return hit
                if self.exhausted:
                    return None
                pending = []
        return self._first_of(pending)

    def _first_of(self, pending: list[tuple[Tag, _Candidate]]) -> tuple[Tag, _Candidate] | None:
        answers = self._ask([candidate for _, candidate in pending])
        return next((item for item, fails in zip(pending, answers, strict=False) if fails), None)

    def _ask(self, candidates: list[_Candidate], reserved: int = 1) -> list[bool]:
        """The predicate's answers, as far as the budget goes (``reserved`` tests are kept back for
        the final verification); an empty list once the budget is spent."""
        room = self.budget_tests - reserved - self.tests
        if not candidates:
            return []
        if room <= 0 or time.monotonic() >= self.deadline:
            self.exhausted = True
            return []
        batch = candidates[:room]
        answers = [bool(a) for a in self.still_fails([c.program for c in batch])]
        if len(answers) != len(batch):
            raise ValueError(f"still_fails answered {len(answers)} times for {len(batch)} programs")
        self.tests += len(batch)
        self.answers.update((c.program.source, a) for c, a in zip(batch, answers, strict=True))
        return answers


def _unparse(statement: ast.stmt) -> str:
    """``ast.unparse``, without the blank line it puts after a ``class`` line."""
    lines = ast.unparse(statement).split("\n")
    if isinstance(statement, ast.ClassDef):
        header = next(i for i, line in enumerate(lines) if line.startswith("class "))
        if header + 1 < len(lines) and not lines[header + 1].strip():
            del lines[header + 1]
    return "\n".join(lines)


def _split(size: int, parts: int) -> list[list[int]]:
    """``range(size)`` cut into ``parts`` contiguous chunks of nearly equal length."""
    bounds = [size * k // parts for k in range(parts + 1)]
    return [list(range(bounds[k], bounds[k + 1])) for k in range(parts)]
