"""The analysis stage: an LLM reads one optimization's source and writes a Requirement.

A Requirement says what a program must look like to reach the optimization's marked lines.
It is keyed by (optimization, source hash, model, prompt version): when the installed source
changes only the affected requirements are derived again, and a campaign re-run with the same
model and prompt reuses every answer.  Requirements shipped in ``prompts/<target>/requirements``
(written by this stage or by hand) let an offline campaign start without an analysis model;
each says who wrote it and against which source hash.

A small model often answers with the worked example of another optimization, barely changed
(Qwen2.5-Coder-1.5B's requirement for ``joint_graph.pointless_view`` was the permute pair's,
"view" for "permute", 84 % of its word 5-grams the example's).  Such an echo shows the generation
model what another optimization needs, so it is asked for again once, told so, and if the second
answer echoes too it is rejected: not stored, and the campaign goes on without a requirement for
that optimization.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from fuzzfox.whitebox.optimization import Optimization

Message = dict[str, str]
Complete = Callable[[list[Message]], str]  # messages in, the model's answer out

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
MAX_REQUIREMENT_CHARS = 4000
# An answer whose word 5-grams are this much one worked example's is an echo of it.  Of the 20
# requirements once shipped (written by the 1.5B model), the seven that restate another
# optimization's example scored 0.40-0.84, the others 0.03-0.32.
ECHO_SHARE = 0.35
ECHO_GRAM = 5
REDO = (
    "That answer repeats the worked example of another optimization. Write what `{id}` itself "
    "needs, from its own pattern and source above."
)
_ROLE_MARK = re.compile(r"^<!-- (user|assistant) -->\s*$", re.MULTILINE)
SCHEMA = """
CREATE TABLE IF NOT EXISTS requirements (
    optimization TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (optimization, source_hash, model, prompt_version)
);
"""


@dataclasses.dataclass(frozen=True)
class Requirement:
    optimization: str
    source_hash: str
    model: str
    prompt_version: str
    author: str  # "llm:<model>" or "hand: <who>"
    text: str


class AnalysisPrompt:
    """The system text, worked examples and template of one target, with a content version."""

    def __init__(self, target: str, root: Path = PROMPTS) -> None:
        folder = root / target / "analysis"
        if not folder.is_dir():
            raise FileNotFoundError(f"no analysis prompt for target {target} in {folder}")
        self.system = (folder / "system.md").read_text().strip()
        self.template = (folder / "template.md").read_text()
        self.examples = [_split_example(p.read_text()) for p in sorted((folder / "examples").glob("*.md"))]
        self._example_grams = [(user, _word_grams(answer)) for user, answer in self.examples]
        parts = [self.system, self.template, *(u + a for u, a in self.examples), REDO]
        self.version = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]

    def messages(self, optimization: Optimization) -> list[Message]:
        marked = (
            f"It fired when these lines ran: {_line_ranges(optimization.fired_lines)}."
            if optimization.fired_lines
            else "It fires when Inductor applies this replacement to a matched subgraph."
        )
        user = self.template.format(
            id=optimization.id,
            kind=optimization.kind,
            pass_name=optimization.pass_name,
            location=optimization.location,
            pattern=optimization.pattern or "(a graph pass: no single pattern)",
            source=optimization.source,
            marked=marked,
        )
        messages = [{"role": "system", "content": self.system}]
        for example_user, example_answer in self.examples:
            messages += [
                {"role": "user", "content": example_user},
                {"role": "assistant", "content": example_answer},
            ]
        return [*messages, {"role": "user", "content": user}]

    def redo_messages(self, optimization: Optimization, echo: str) -> list[Message]:
        """The analysis chat again, with the echoing answer and a request for the optimization's own."""
        return [
            *self.messages(optimization),
            {"role": "assistant", "content": echo},
            {"role": "user", "content": REDO.format(id=optimization.id)},
        ]

    def echoes(self, optimization_id: str, text: str) -> bool:
        """Whether ``text`` restates the worked example of another optimization (see ECHO_SHARE);
        an example written for this very optimization may be restated."""
        grams = _word_grams(text)
        if not grams:
            return False
        return any(
            len(grams & example) / len(grams) >= ECHO_SHARE
            for user, example in self._example_grams
            if f"`{optimization_id}`" not in user
        )


def _word_grams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+|[^\w\s]", text.lower())
    return {tuple(words[i : i + ECHO_GRAM]) for i in range(len(words) - ECHO_GRAM + 1)}


def _split_example(text: str) -> tuple[str, str]:
    parts = _ROLE_MARK.split(text)
    roles = dict(zip(parts[1::2], (p.strip() for p in parts[2::2]), strict=True))
    return roles["user"], roles["assistant"]


def _line_ranges(lines: Iterable[int]) -> str:
    ordered = sorted(set(lines))
    ranges: list[str] = []
    start = previous = ordered[0]
    for line in [*ordered[1:], None]:
        if line is not None and line == previous + 1:
            previous = line
            continue
        ranges.append(f"{start}" if start == previous else f"{start}-{previous}")
        if line is not None:
            start = previous = line
    return ", ".join(ranges)


def clean_answer(answer: str) -> str:
    """The requirement text: the answer without a short preamble ("Sure! ...") before its list."""
    text = answer.strip()
    first_item = re.search(r"^\s*(?:[-*]|\d+\.)\s", text, re.MULTILINE)
    if first_item and text[: first_item.start()].count("\n") <= 2:
        text = text[first_item.start() :].strip()
    return text[:MAX_REQUIREMENT_CHARS]


class RequirementStore:
    """Requirements in a campaign's SQLite file, beside its programs and runs."""

    def __init__(self, database: Path) -> None:
        # A campaign opens it and its model's writer thread (fuzzfox.llm.pipeline) uses it, alone.
        self.db = sqlite3.connect(database, timeout=30, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def get(self, optimization: Optimization, model: str, prompt_version: str) -> Requirement | None:
        row = self.db.execute(
            "SELECT author, text FROM requirements WHERE optimization = ? AND source_hash = ? "
            "AND model = ? AND prompt_version = ?",
            (optimization.id, optimization.source_hash, model, prompt_version),
        ).fetchone()
        if row is None:
            return None
        return Requirement(optimization.id, optimization.source_hash, model, prompt_version, *row)

    def put(self, requirement: Requirement) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO requirements VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*dataclasses.astuple(requirement), time.time()),
            )

    def latest(self, optimization: Optimization) -> Requirement | None:
        """The newest requirement for the optimization's current source, from any model."""
        row = self.db.execute(
            "SELECT model, prompt_version, author, text FROM requirements WHERE optimization = ? "
            "AND source_hash = ? ORDER BY created DESC LIMIT 1",
            (optimization.id, optimization.source_hash),
        ).fetchone()
        return Requirement(optimization.id, optimization.source_hash, *row) if row else None


@dataclasses.dataclass
class AnalysisResult:
    requirement: Requirement
    reused: bool
    echo: bool = False  # both answers restated another optimization's worked example: not stored


def analyze(
    optimizations: list[Optimization],
    complete: Complete,
    model: str,
    prompt: AnalysisPrompt,
    store: RequirementStore,
    progress: Callable[[int, int, AnalysisResult], None] | None = None,
) -> list[AnalysisResult]:
    """Derive a requirement for each optimization that lacks one under (model, prompt version).

    Each answer is stored as soon as it arrives, so an interrupted analysis resumes where it
    stopped (an echo of a worked example is asked for again once, and never stored); an exception
    from ``complete`` (a dead endpoint) propagates after what finished is kept.
    """
    results = []
    for number, optimization in enumerate(optimizations, 1):
        existing = store.get(optimization, model, prompt.version)
        if existing is not None:
            result = AnalysisResult(existing, reused=True)
        else:
            text = clean_answer(complete(prompt.messages(optimization)))
            echo = prompt.echoes(optimization.id, text)
            if echo:
                text = clean_answer(complete(prompt.redo_messages(optimization, text)))
                echo = prompt.echoes(optimization.id, text)
            requirement = Requirement(
                optimization.id, optimization.source_hash, model, prompt.version, f"llm:{model}", text
            )
            if not echo:
                store.put(requirement)
            result = AnalysisResult(requirement, reused=False, echo=echo)
        results.append(result)
        if progress:
            progress(number, len(optimizations), result)
    return results


SHIPPED_HEADER = re.compile(r"^([a-z_]+):\s*(.*)$")


def write_shipped(requirement: Requirement, framework_version: str, folder: Path) -> Path:
    """One requirement as a file under prompts/<target>/requirements, with who wrote it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{requirement.optimization.replace('#', '@')}.md"
    header = (
        f"optimization: {requirement.optimization}\nsource_hash: {requirement.source_hash}\n"
        f"framework: {framework_version}\nauthor: {requirement.author}\n"
        f"model: {requirement.model}\nprompt_version: {requirement.prompt_version}\n"
    )
    path.write_text(f"{header}\n{requirement.text.strip()}\n")
    return path


def read_shipped(folder: Path) -> dict[str, Requirement]:
    """Shipped requirements by optimization id."""
    found: dict[str, Requirement] = {}
    for path in sorted(folder.glob("*.md")):
        head, _, body = path.read_text().partition("\n\n")
        fields = {m.group(1): m.group(2) for line in head.splitlines() if (m := SHIPPED_HEADER.match(line))}
        found[fields["optimization"]] = Requirement(
            fields["optimization"],
            fields["source_hash"],
            fields.get("model", ""),
            fields.get("prompt_version", ""),
            fields["author"],
            body.strip(),
        )
    return found
