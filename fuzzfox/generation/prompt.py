"""The generation prompt: ask an LLM for one new program that reaches a given optimization.

The prompt is written for small local models (Qwen2.5-Coder-1.5B with a ~4k context): a short
system text and one user message: the optimization, up to a few example programs, its
requirement, then the instruction and the rules.  The requirement comes after the examples, next
to the instruction, because a small model follows what it read last (in a few samples it then
used the required op more often).  Measured with a 1.5B model: saying that ``Model()`` takes no
constructor arguments and that ``make_inputs()`` must give the shapes ``forward`` expects raised
runnable programs from 40 % to 60 %; the typical failures are shape mismatches, constructor
arguments and ``self.x`` used inside ``make_inputs``, which is what the template's rules name.

Files, in ``prompts/<target>/generation/``: ``system.md``, ``template.md`` (``str.format``
fields ``{optimization}``, ``{requirement}``, ``{examples}``) and ``examples/*.md``, hand-written
one-shot examples used when an optimization has no example program yet: a caption, then one
fenced program.  The one-shot uses no layer (so a program modelled on it has no layer sizes to
get wrong); a 1.5B model often hands it back unchanged, which ``parse_answer(shown=...)`` rejects.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

from fuzzfox.program import HEADER_LINE

Message = dict[str, str]

PROMPTS = Path(__file__).resolve().parent.parent.parent / "prompts"
# Budget: system + template + requirement + 3 examples stays under ~2,000 tokens (code is ~3.5
# characters a token), leaving a 4k-context model room for its answer.
MAX_EXAMPLE_CHARS = 1200
MAX_REQUIREMENT_CHARS = 1200
TRUNCATION_MARK = "# ... (rest of the example left out)"
# The optimization's own code (its search pattern, replacement and extra_check): the search
# function comes first, which is what a program must compute; the check is cut when it is long.
MAX_SOURCE_CHARS = 900
SOURCE_TRUNCATION_MARK = "# ... (rest left out)"

# The wording that joins the template's parts; part of the prompt version.
REQUIREMENT_INTRO = "What a program needs to reach it:\n"
NO_REQUIREMENT = "No requirement is known for it: the example programs above reach it, follow them."
NO_REQUIREMENT_NO_EXAMPLE = (
    "No requirement and no program that reaches it are known yet: guess from `{optimization}` what"
    " forward() must compute."
)
EXAMPLES_INTRO = "Programs that reach it:"
EXAMPLE_TITLE = "Example {number}:"
SOURCE_INTRO = "Its code in the compiler (what it matches, what it becomes, what it checks):"
FAILURES_INTRO = "Earlier programs written for it failed like this; do not repeat it:"
MAX_FAILURES = 3
MAX_FAILURE_CHARS = 200
REPAIR_INTRO = "This program was written to reach the optimization `{optimization}`:"
REPAIR_ASK = "Write the whole program again, fixed."
RULES_START = "Rules, or the program will not run:"
_FENCED = re.compile(r"^```[\w+-]*[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


class GenerationPrompt:
    """The system text, template and one-shot examples of one target, with a content version."""

    def __init__(self, target: str, root: Path = PROMPTS) -> None:
        folder = root / target / "generation"
        if not folder.is_dir():
            raise FileNotFoundError(f"no generation prompt for target {target} in {folder}")
        self.system = (folder / "system.md").read_text().strip()
        self.template = (folder / "template.md").read_text().strip()
        one_shot_files = sorted((folder / "examples").glob("*.md"))
        if not one_shot_files:
            raise FileNotFoundError(f"no one-shot example in {folder / 'examples'}")
        self.one_shots = [_read_one_shot(path) for path in one_shot_files]
        files = [folder / "system.md", folder / "template.md", *one_shot_files]
        # The template's rules, from RULES_START to its end, close a repair prompt too.
        start = self.template.find(RULES_START)
        self.rules = self.template[start:] if start >= 0 else ""
        wording = [
            SOURCE_INTRO,
            REQUIREMENT_INTRO,
            NO_REQUIREMENT,
            NO_REQUIREMENT_NO_EXAMPLE,
            EXAMPLES_INTRO,
            EXAMPLE_TITLE,
            FAILURES_INTRO,
            REPAIR_INTRO,
            REPAIR_ASK,
        ]
        parts = [*(f"{path.relative_to(folder)}\0{path.read_text()}" for path in files), *wording]
        self.version = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]

    def messages(
        self,
        optimization: str,
        requirement: str | None,
        examples: list[str],
        failures: Sequence[str] = (),
        source: str = "",
    ) -> list[Message]:
        """Chat messages asking for one new program; ``examples`` are program sources (headers ok),
        ``failures`` how earlier programs for the optimization failed (most frequent first),
        ``source`` the optimization's own code (shown cut, before its requirement)."""
        needs = self._requirement_text(optimization, requirement, has_examples=bool(examples))
        if source.strip():
            code = truncate_example(source.strip(), MAX_SOURCE_CHARS, SOURCE_TRUNCATION_MARK)
            needs = "\n\n".join([f"{SOURCE_INTRO}\n{_fence(code)}", needs])
        if failures:
            shown = [f"- {truncate_text(f, MAX_FAILURE_CHARS)}" for f in failures[:MAX_FAILURES]]
            needs = "\n\n".join([needs, "\n".join([FAILURES_INTRO, *shown])])
        user = self.template.format(
            optimization=optimization, requirement=needs, examples=self._examples_text(examples)
        )
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]

    def repair_messages(self, optimization: str, source: str, problem: str) -> list[Message]:
        """Chat messages asking to fix one program: the program, what went wrong, the rules; short,
        so a second try costs a fraction of the first."""
        user = "\n\n".join(
            part
            for part in (
                REPAIR_INTRO.format(optimization=optimization),
                _fence(_example_code(source)),
                problem.strip(),
                REPAIR_ASK,
                self.rules,
            )
            if part
        )
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]

    def shown_programs(self, examples: list[str]) -> list[str]:
        """The programs ``messages`` shows for these examples (the one-shots when there are none),
        for ``parse_answer(shown=...)`` to reject an answer that hands one back unchanged."""
        return list(examples) if examples else [source for _, source in self.one_shots]

    def _requirement_text(self, optimization: str, requirement: str | None, has_examples: bool) -> str:
        if requirement and requirement.strip():
            return REQUIREMENT_INTRO + truncate_text(requirement.strip(), MAX_REQUIREMENT_CHARS)
        return NO_REQUIREMENT if has_examples else NO_REQUIREMENT_NO_EXAMPLE.format(optimization=optimization)

    def _examples_text(self, examples: list[str]) -> str:
        if not examples:
            return "\n\n".join(f"{caption}\n{_fence(source)}" for caption, source in self.one_shots)
        blocks = [
            f"{EXAMPLE_TITLE.format(number=number)}\n{_fence(_example_code(source))}"
            for number, source in enumerate(examples, 1)
        ]
        return "\n\n".join([EXAMPLES_INTRO, *blocks])


def strip_header(source: str) -> str:
    """A program without its leading ``# key: value`` header (and the blank lines around it)."""
    lines = source.replace("\r\n", "\n").split("\n")
    start = 0
    while start < len(lines) and (not lines[start].strip() or HEADER_LINE.match(lines[start].strip())):
        start += 1
    return "\n".join(lines[start:]).strip("\n")


def _example_code(source: str) -> str:
    return truncate_example(strip_header(source))


def truncate_example(code: str, limit: int = MAX_EXAMPLE_CHARS, mark: str = TRUNCATION_MARK) -> str:
    """Cut overlong code at a line boundary and say so with ``mark``, so it fits a small context."""
    if len(code) <= limit:
        return code
    kept: list[str] = []
    size = len(mark) + 1
    for line in code.split("\n"):
        if size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join([*kept, mark])


def truncate_text(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 4].rstrip() + " ..."


def _fence(code: str) -> str:
    return f"```python\n{code.strip()}\n```"


def _read_one_shot(path: Path) -> tuple[str, str]:
    """(caption, program) from a one-shot example file: the text before its fence, the fenced code."""
    text = path.read_text()
    match = _FENCED.search(text)
    if match is None:
        raise ValueError(f"{path}: no fenced program")
    return text[: match.start()].strip(), strip_header(match.group(1))
