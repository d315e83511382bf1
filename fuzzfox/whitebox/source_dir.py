"""Functions of a user's own source tree as Optimization units (``--source-dir DIR``).

For code fuzzfox has no dedicated extractor for (an XLA checkout's C++ passes, a patched copy of
a framework): every function defined in the tree's ``.py``, ``.cc``, ``.cpp``, ``.h`` and
``.hpp`` files becomes one unit with its file, lines and source, which the analysis stage can
read like any other optimization.

- Python: top-level functions and the methods of top-level classes, by ``ast``.
- C++: a lexical scan, no compiler needed.  Comments, string and character literals and
  preprocessor lines are blanked out (newlines kept, so offsets and lines stay right); then a
  ``{`` at namespace or class level opens a function body when the text before it, back to the
  previous ``;``, ``{`` or ``}``, reads ``name(...)`` followed only by qualifiers (``const``,
  ``override``, ``noexcept``, ``-> T``) or a constructor's initializer list.  Bodies are matched
  brace to brace; functions inside bodies (lambdas, local classes) belong to their enclosing
  function.  Methods defined in a class body are named ``Class::method``.

An id is ``<file relative to DIR>:<qualified name>``, with ``#<line>`` added to overloads after
the first.  No framework is imported: this runs in the campaign process.
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import os
import re
from collections.abc import Iterator
from pathlib import Path

from fuzzfox.whitebox.optimization import Optimization

PYTHON_SUFFIXES = frozenset({".py"})
CPP_SUFFIXES = frozenset({".cc", ".cpp", ".h", ".hpp"})
MAX_FILE_BYTES = 2 << 20  # larger files are generated tables, not passes
GENERATED = (".pb.h", ".pb.cc")  # protobuf accessors, not passes
MAX_SOURCE_CHARS = 8000
TRUNCATION_MARK = "\n... (rest of the function left out)"
KIND = "function"

_NOT_FUNCTIONS = frozenset(
    {
        "if",
        "for",
        "while",
        "switch",
        "catch",
        "return",
        "sizeof",
        "alignof",
        "alignas",
        "decltype",
        "noexcept",
        "static_assert",
        "__attribute__",
        "__declspec",
        "defined",
    }
)
_NAME_BEFORE_PAREN = re.compile(r"((?:[A-Za-z_]\w*\s*::\s*)*~?(?:operator\s*[^\s(]+|[A-Za-z_]\w*))\s*$")
_QUALIFIERS = re.compile(
    r"^(?:\s*(?:const|volatile|override|final|mutable|&&|&|noexcept\s*(?:\(\s*\w*\s*\))?"
    r"|->\s*[\w:<>,\s*&]+?|requires\s+[^{;]+?))*\s*$",
    re.DOTALL,
)
_ACCESS_SPECIFIER = re.compile(r"^\s*(?:(?:public|private|protected)\s*:(?!:)\s*)+")
_SCOPE_KEYWORD = re.compile(r"\b(namespace|class|struct|union|extern)\b")
_CLASS_NAME = re.compile(
    r"\b(?:class|struct|union)\s+(?:\w+\s+)*?([A-Za-z_]\w*)\s*(?:final\b)?\s*(?::[^{]*)?$"
)
_CPP_TOKENS = re.compile(
    r'//[^\n]*|/\*.*?\*/|R"([^()\\\s]{0,16})\(.*?\)\1"|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\''
    r"|^[ \t]*#(?:[^\n]*\\\n)*[^\n]*",
    re.DOTALL | re.MULTILINE,
)


class SourceDirError(ValueError):
    """A --source-dir that cannot be read."""


@dataclasses.dataclass(frozen=True)
class Unit:
    """One function found in a file: its qualified name and where it is."""

    name: str
    first_line: int
    body_line: int  # the line its body starts on: reaching it means the function ran
    last_line: int


def extract(root: Path) -> list[Optimization]:
    """Every function under ``root``, in file then line order."""
    if not root.is_dir():
        raise SourceDirError(f"--source-dir {root} is not a directory")
    found: list[Optimization] = []
    seen: set[str] = set()
    for path in source_files(root):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        relative = path.relative_to(root).as_posix()
        lines = text.splitlines()
        units = python_units(text) if path.suffix in PYTHON_SUFFIXES else cpp_units(text)
        for unit in units:
            ident = f"{relative}:{unit.name}"
            if ident in seen:
                ident += f"#{unit.first_line}"
            seen.add(ident)
            found.append(_optimization(ident, relative, unit, lines))
    return found


def source_files(root: Path) -> Iterator[Path]:
    """Source files under ``root`` in a stable order, skipping hidden and build directories."""
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(
            d for d in subdirectories if not d.startswith((".", "bazel-")) and d != "__pycache__"
        )
        for name in sorted(files):
            path = Path(directory) / name
            if (
                path.suffix in PYTHON_SUFFIXES | CPP_SUFFIXES
                and not name.endswith(GENERATED)
                and path.stat().st_size <= MAX_FILE_BYTES
            ):
                yield path


def _optimization(ident: str, relative: str, unit: Unit, lines: list[str]) -> Optimization:
    source = "\n".join(lines[unit.first_line - 1 : unit.last_line])
    if len(source) > MAX_SOURCE_CHARS:
        source = source[: MAX_SOURCE_CHARS - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    return Optimization(
        id=ident,
        kind=KIND,
        pass_name=relative.rsplit(".", 1)[0],
        file=relative,
        first_line=unit.first_line,
        last_line=unit.last_line,
        source=source,
        fired_lines=(unit.body_line,),
        cpu=True,
    )


# ---------------------------------------------------------------- Python


def python_units(text: str) -> list[Unit]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    units = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            units.append(_python_unit(node, node.name))
        elif isinstance(node, ast.ClassDef):
            units += [
                _python_unit(item, f"{node.name}.{item.name}")
                for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            ]
    return units


def _python_unit(node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> Unit:
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return Unit(name, first, node.body[0].lineno, node.end_lineno or node.lineno)


# ---------------------------------------------------------------- C++


def blank_out(text: str) -> str:
    """``text`` with comments, literals and preprocessor lines replaced by spaces (newlines kept)."""
    return _CPP_TOKENS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _matching(text: str, start: int, opening: str, closing: str) -> int:
    """The index of the bracket closing the one at ``start`` (or the end of the text)."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return index
    return len(text) - 1


def function_name(head: str) -> str | None:
    """The function a declaration head defines (``int Foo::Bar(int x) const``), or None."""
    for match in re.finditer(r"\(", head):
        if _paren_depth(head, match.start()) != 0:
            continue
        name = _NAME_BEFORE_PAREN.search(head[: match.start()])
        if name is None:
            return None
        words = re.sub(r"\s+", "", name.group(1))
        if words.split("::")[-1] in _NOT_FUNCTIONS:
            return None
        if "=" in head[: name.start()].replace("operator=", "").replace("==", ""):
            return None  # an initialized variable or a lambda, not a definition
        close = _matching(head, match.start(), "(", ")")
        rest = head[close + 1 :]
        initializers = re.match(r"\s*:(?!:)", rest)
        if initializers or _QUALIFIERS.match(rest):
            return words
        return None
    return None


def _paren_depth(text: str, index: int) -> int:
    return text.count("(", 0, index) - text.count(")", 0, index)


def cpp_units(text: str) -> list[Unit]:
    masked = blank_out(text)
    line_starts = [0, *(m.end() for m in re.finditer("\n", masked))]
    units: list[Unit] = []
    _scan_scope(masked, 0, len(masked), [], units, line_starts)
    return units


def _scan_scope(
    masked: str, start: int, end: int, classes: list[str], units: list[Unit], line_starts: list[int]
) -> None:
    """Find function bodies in a namespace or class body (``masked[start:end]``)."""

    def line_of(offset: int) -> int:
        return bisect.bisect_right(line_starts, offset)

    head_start = start
    index = start
    while index < end:
        char = masked[index]
        if char in ";}":
            head_start = index + 1
        elif char == "{":
            head = masked[head_start:index]
            close = _matching(masked, index, "{", "}")
            name = function_name(head)
            if name is not None and _in_initializer_list(head):
                index = close + 1  # a member's brace initializer: the head goes on
                continue
            if name is not None:
                declaration = _ACCESS_SPECIFIER.sub("", head).lstrip()
                first = head_start + len(head) - len(declaration)
                qualified = "::".join([*classes, name]) if classes and "::" not in name else name
                units.append(Unit(qualified, line_of(first), line_of(index), line_of(close)))
            elif scope := _SCOPE_KEYWORD.search(head):
                inner = classes
                if scope.group(1) in ("class", "struct", "union"):
                    class_name = _CLASS_NAME.search(head.strip())
                    inner = [*classes, class_name.group(1)] if class_name else classes
                _scan_scope(masked, index + 1, close, inner, units, line_starts)
            index = close
            head_start = close + 1
        index += 1


def _in_initializer_list(head: str) -> bool:
    """Whether a ``{`` after this head opens a member's brace initializer (``: a_(1), b_{``),
    not the constructor's body (which follows a ``)`` or ``}``)."""
    opening = head.find("(")
    after = head[_matching(head, opening, "(", ")") + 1 :]
    return bool(re.match(r"\s*:(?!:)", after)) and bool(re.search(r"[\w>]\s*$", head))
