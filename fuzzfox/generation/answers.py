"""Turn a generation LLM's answer into candidate test programs, each valid or with a reason.

Real answers, from small local models above all, are messy: chatter around the code, several
fenced blocks (a program, then "usage"), two programs in one block, an answer cut off by the
token limit, ``model = Model(); print(model(*make_inputs()))`` at the end, missing imports.
``parse_answer`` extracts the code, splits it into programs, drops what would run at import,
adds the standard imports and the header, and validates each program with ``parse_program``.

Two repairs that keep the model's intent are made (and listed in ``Candidate.repairs``): a lone
``nn.Module`` subclass named otherwise is renamed ``Model``, and when the answer instantiates
the model with literal arguments (``Model(3, 16)``) while ``__init__`` requires them, those
values become the parameters' defaults.  Beyond ``parse_program``, a program is rejected for
mistakes that would fail as soon as it runs (``self`` inside ``make_inputs``, no
``super().__init__()``, a literal input tuple of the wrong length for ``forward``) and, when the
prompt's programs are given, for handing one of them back unchanged.  Nothing here imports a
framework: it runs in the campaign process.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import io
import itertools
import re
import textwrap
import tokenize
from collections.abc import Iterable, Sequence

from fuzzfox.program import (
    HEADER_LINE,
    MODES,
    Program,
    ProgramError,
    normalize_source,
    parse_program,
)
from fuzzfox.program_ast import (
    ENTRY_CLASS,
    ENTRY_FUNCTION,
    ENTRY_METHOD,
    INIT_METHOD,
    INPUTS_FUNCTION,
    bound_name,
    call_name,
    method,
    model_class,
    named,
    required_parameters,
)

NO_CODE = "no code in the answer"
COPY = "a copy of a program shown in the prompt"
CUT_OFF_NOTE = " (the answer was cut off)"
CUT_REPAIR = "cut the unfinished last statement"
STANDARD_IMPORTS = (
    ("torch", "import torch"),
    ("nn", "import torch.nn as nn"),
    ("F", "import torch.nn.functional as F"),
)
# Reason categories for validity statistics, in the order they are tested.
REASON_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("no code", (NO_CODE,)),
    ("cut off", (CUT_OFF_NOTE.strip(" ()"),)),
    ("syntax error", ("syntax error", "markdown fence")),
    ("constructor arguments", ("constructor arguments",)),
    ("no Model/fn", (f"no class {ENTRY_CLASS}", "has no forward()")),
    ("no make_inputs", (f"no {INPUTS_FUNCTION}()",)),
    ("make_inputs uses self", (f"{INPUTS_FUNCTION}() uses self", f"{INPUTS_FUNCTION}() must take no")),
    ("input count", ("inputs but",)),
    ("no super().__init__()", ("super().__init__()",)),
    ("copy of an example", (COPY,)),
)
OTHER = "other"

_FENCE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})[ \t]*([\w+.#-]*)")
_ENTRY = re.compile(rf"^(?:class[ \t]+{ENTRY_CLASS}\b|def[ \t]+{ENTRY_FUNCTION}[ \t]*\()", re.MULTILINE)
_MODULE_CLASS = re.compile(r"^class[ \t]+\w+[ \t]*\([ \t]*(?:torch\.)?(?:nn\.)?Module[ \t]*\)", re.MULTILINE)
_MODULE_BASES = frozenset({"nn.Module", "torch.nn.Module", "Module"})
_CODE_START = re.compile(r"^(?:import[ \t]+\w|from[ \t]+\S+[ \t]+import[ \t]|class[ \t]+\w|def[ \t]+\w|@\w)")
_CODE_LINE = re.compile(
    r"^(?:#|@|[)\]}]"
    r"|(?:import|from|class|def|async|return|if|elif|else|for|while|with|try|except|finally|raise|assert"
    r"|pass|del|global)\b"
    r"|[A-Za-z_][\w.]*[ \t]*(?:[-+*/%@|&^]?=(?!=)|\(|\[|,|:[ \t]*\w+[ \t]*=))"
)
_SINGLE_LINE_IMPORT = re.compile(
    r"^(?:import[ \t]+[\w.]+(?:[ \t]+as[ \t]+\w+)?|from[ \t]+[\w.]+[ \t]+import[ \t]+[\w, \t]+)[ \t]*$"
)
_RUNS_AT_IMPORT = frozenset({"print", "compile", "exec", "eval", "input", "open", "exit", "quit"})
_MAX_TAIL_CUTS = 3


@dataclasses.dataclass(frozen=True)
class Candidate:
    """One program found in an answer: ``program`` when it is valid, else ``reason`` says why not.

    ``source`` is the assembled program (header included) even when it is rejected, or the
    answer's text when it held no code; ``repairs`` lists what was changed beyond dropping
    chatter and run-at-import code.
    """

    source: str
    program: Program | None
    reason: str | None
    repairs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.program is None) == (self.reason is None):
            raise ValueError("a candidate has either a program or a reason")


@dataclasses.dataclass(frozen=True)
class _Code:
    text: str
    cut_off: bool  # an unterminated fence: the answer hit its token limit inside the code
    maybe_cut: bool = False  # unfenced text: its end cannot be told from a cut
    declared_mode: str | None = None  # a "# mode:" line of the answer's own header


def parse_answer(
    text: str,
    *,
    target: str,
    optimization: str,
    origin: str,
    parents: list[str],
    mode: str = "inference",
    config: str = "",
    shown: Sequence[str] = (),
) -> list[Candidate]:
    """Every program in a generation answer, with a header, each validated or rejected with a reason.

    ``origin`` is who wrote it (``llm:<model>``), ``parents`` the ids of the programs shown as
    examples (``-`` when none), ``config`` an optional ``# config:`` header value (the parents'
    Inductor config, which the program needs to reach the same optimization), ``shown`` the
    programs the prompt showed (``GenerationPrompt.shown_programs``): a candidate whose classes
    and functions are the same as one of theirs, formatting and comments aside, is rejected as a
    copy (small models often hand an example back unchanged).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    header = {
        "target": target,
        "optimization": optimization,
        "origin": origin,
        "parent": ",".join(parents) or "-",
        "mode": mode,
        "config": config,
    }
    codes = [_without_leading_comments(code) for code in split_programs(extract_code(text))]
    if not codes:
        return [Candidate(text.strip(), None, NO_CODE)]
    candidates: list[Candidate] = []
    seen: set[str] = set()
    copies = frozenset(filter(None, (definitions_fingerprint(source) for source in shown)))
    for code in share_imports(codes):
        candidate = _candidate(code, header, target, copies)
        if candidate.source not in seen:
            seen.add(candidate.source)
            candidates.append(candidate)
    return candidates


def validity_reason_counts(candidates: Iterable[Candidate]) -> dict[str, int]:
    """How many rejected candidates fall in each reason category (valid ones are not counted)."""
    counts: dict[str, int] = {}
    for candidate in candidates:
        if candidate.reason is not None:
            category = reason_category(candidate.reason)
            counts[category] = counts.get(category, 0) + 1
    return counts


def reason_category(reason: str) -> str:
    for category, markers in REASON_CATEGORIES:
        if any(marker in reason for marker in markers):
            return category
    return OTHER


# --- finding the code ------------------------------------------------------------------------


def extract_code(text: str) -> list[_Code]:
    """The Python blocks of an answer: fenced ones, or the code lines of an unfenced answer."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fenced = _fenced_python(lines)
    if fenced:
        return fenced
    # No fence, or none with Python in it (code then a lone closing fence): the code lines.
    code = _code_lines([line for line in lines if not _FENCE.match(line)])
    return [_Code(code, cut_off=False, maybe_cut=True)] if code.strip() else []


def _fenced_python(lines: list[str]) -> list[_Code]:
    blocks: list[tuple[str, list[str], bool]] = []  # (language, lines, terminated)
    language: str | None = None  # None: outside a fence
    body: list[str] = []
    for line in lines:
        fence = _FENCE.match(line)
        if fence is None:
            if language is not None:
                body.append(line)
            continue
        if language is not None:
            blocks.append((language, body, True))
            if not fence.group(1):  # a plain closing fence; a tagged one opens the next block at once
                language = None
                continue
        language, body = fence.group(1).lower(), []
    if language is not None:
        blocks.append((language, body, False))
    return [
        _Code(textwrap.dedent("\n".join(body)), cut_off=not terminated)
        for language, body, terminated in blocks
        if _is_python(language) and _looks_like_code(body)
    ]


def _looks_like_code(lines: list[str]) -> bool:
    """Some line is code (not a comment): an untagged fence may hold output or prose."""
    dedented = textwrap.dedent("\n".join(lines)).split("\n")
    return any(_CODE_LINE.match(line) and not line.startswith("#") for line in dedented)


def _is_python(tag: str) -> bool:
    return tag == "" or tag.startswith("py") or "python" in tag


def _code_lines(lines: list[str]) -> str:
    """From the first line that starts code on, every line but top-level prose."""
    start = next((i for i, line in enumerate(lines) if _CODE_START.match(line)), None)
    if start is None:
        return ""
    kept = [line for line in lines[start:] if not line.strip() or line[0] in " \t" or _CODE_LINE.match(line)]
    return "\n".join(kept)


def split_programs(blocks: list[_Code]) -> list[_Code]:
    """Group blocks into programs: a block defining Model/fn starts one; other blocks join it.

    A block defining ``class Model`` (or ``fn``) twice is split at each top-level redefinition.
    A block with only helpers or ``make_inputs`` belongs with the program before it (or with the
    first one when it comes before any).  When no block uses the names ``Model``/``fn``, a block
    defining an ``nn.Module`` subclass counts as defining the model (no split inside it).
    """
    if any(_ENTRY.search(block.text) for block in blocks):
        pieces = [piece for block in blocks for piece in _split_block(block)]
        entry = _ENTRY
    else:
        pieces, entry = blocks, _MODULE_CLASS
    groups: list[list[_Code]] = []
    for piece in pieces:
        starts_program = bool(entry.search(piece.text))
        if starts_program and groups and any(entry.search(p.text) for p in groups[-1]):
            groups.append([piece])
        elif groups:
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return [
        _Code(
            "\n\n".join(p.text.strip("\n") for p in group),
            cut_off=any(p.cut_off for p in group),
            maybe_cut=any(p.maybe_cut for p in group),
        )
        for group in groups
    ]


def _split_block(block: _Code) -> list[_Code]:
    """Split where ``class Model`` (or ``def fn``) is defined again; Model then fn is one program."""
    seen: set[str] = set()
    redefinitions = []
    for match in _ENTRY.finditer(block.text):
        kind = match.group().split()[0]
        if kind in seen:
            redefinitions.append(match.start())
        seen.add(kind)
    if not redefinitions:
        return [block]
    cuts = [0, *redefinitions, len(block.text)]
    last = len(cuts) - 2
    return [
        _Code(block.text[a:b], cut_off=block.cut_off and i == last, maybe_cut=block.maybe_cut and i == last)
        for i, (a, b) in enumerate(itertools.pairwise(cuts))
    ]


def share_imports(codes: list[_Code]) -> list[_Code]:
    """Give every program the one-line imports any program of the answer has (a second program
    split off a block usually relies on the first one's ``import math``)."""
    if len(codes) < 2:
        return codes
    imports: list[str] = []
    for code in codes:
        for line in code.text.split("\n"):
            if _SINGLE_LINE_IMPORT.match(line) and line.strip() not in imports:
                imports.append(line.strip())
    shared = []
    for code in codes:
        present = {line.strip() for line in code.text.split("\n")}
        missing = [line for line in imports if line not in present]
        text = "\n".join([*missing, code.text]) if missing else code.text
        shared.append(dataclasses.replace(code, text=text))
    return shared


# --- cleaning one program --------------------------------------------------------------------


def _candidate(code: _Code, header: dict[str, str], target: str, copies: frozenset[str]) -> Candidate:
    """Clean, assemble and validate one program; a cut that did not help is undone for the reason."""
    training = header["mode"] == "training" or code.declared_mode == "training" or ".backward(" in code.text
    header = {**header, "mode": "training" if training else header["mode"]}
    note = CUT_OFF_NOTE if code.cut_off else ""
    cleaned = clean_program(code.text, truncated=code.cut_off or code.maybe_cut)
    candidate = _validated(*cleaned, header, target, copies)
    if candidate.reason is not None and CUT_REPAIR in candidate.repairs:
        candidate = _validated(*clean_program(code.text, truncated=False), header, target, copies)
    if candidate.reason is not None and note:
        return dataclasses.replace(candidate, reason=candidate.reason + note)
    return candidate


def _validated(
    text: str, repairs: tuple[str, ...], header: dict[str, str], target: str, copies: frozenset[str]
) -> Candidate:
    source = normalize_source(_assemble(header, text))
    try:
        program = parse_program(source, default_target=target)
    except ProgramError as error:
        return Candidate(source, None, str(error), repairs)
    reason = runtime_problem(program.source)
    if reason is None and definitions_fingerprint(program.source) in copies:
        reason = COPY
    if reason is not None:
        return Candidate(program.source, None, reason, repairs)
    return Candidate(program.source, program, None, repairs)


def definitions_fingerprint(source: str) -> str | None:
    """The program's top-level classes and functions as ASTs: blind to comments, formatting,
    header and imports; None for text that does not parse."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    definitions = [
        n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    ]
    return "\n".join(ast.dump(n) for n in definitions) or None


def _without_leading_comments(code: _Code) -> _Code:
    """Drop the answer's own leading comments (a header there would merge into ours); keep its mode."""
    lines = code.text.split("\n")
    declared: str | None = None
    start = 0
    while start < len(lines) and (not lines[start].strip() or lines[start].lstrip().startswith("#")):
        match = HEADER_LINE.match(lines[start].strip())
        if match and match.group(1).lower() == "mode" and match.group(2).strip().lower() in MODES:
            declared = match.group(2).strip().lower()
        start += 1
    return dataclasses.replace(code, text="\n".join(lines[start:]), declared_mode=declared)


def _assemble(header: dict[str, str], text: str) -> str:
    header_lines = [f"# {key}: {_one_line(value)}" for key, value in header.items() if value.strip()]
    bound = _imported_names(text)
    imports = [line for name, line in STANDARD_IMPORTS if name not in bound]
    body = text.strip("\n")
    gap = [] if body.startswith(("import ", "from ")) else ["", ""]
    return "\n".join([*header_lines, *imports, *gap, body]) + "\n"


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _imported_names(text: str) -> set[str]:
    """Names bound by top-level imports; line by line when the text does not parse as a whole."""
    try:
        statements = ast.parse(text).body
    except SyntaxError:
        statements = [
            s for line in text.split("\n") if _SINGLE_LINE_IMPORT.match(line) for s in _parsed(line)
        ]
    names: set[str] = set()
    for node in statements:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(bound_name(alias) for alias in node.names)
    return names


def _parsed(line: str) -> list[ast.stmt]:
    try:
        return ast.parse(line.strip()).body
    except SyntaxError:
        return []


def clean_program(text: str, truncated: bool) -> tuple[str, tuple[str, ...]]:
    """Drop top-level code that runs at import and make the two repairs; text that does not
    parse is returned as it is (its syntax error becomes the reason), unless ``truncated`` and
    cutting its unfinished last statement makes it parse."""
    repairs: list[str] = []
    try:
        tree = ast.parse(text)
    except SyntaxError:
        if not truncated:
            return text, ()
        shortened = _cut_unfinished_tail(text)
        if shortened is None:
            return text, ()
        text, tree = shortened
        repairs.append(CUT_REPAIR)
    renamed = _rename_module_class(text, tree)
    if renamed is not None:
        text, tree, old_name = renamed
        repairs.append(f"renamed class {old_name} to {ENTRY_CLASS}")
    dropped = _statements_run_at_import(tree)
    edits = [(node.lineno, node.end_lineno or node.lineno, []) for node in dropped]
    signature = _constructor_defaults_edit(text, tree, dropped)
    if signature is not None:
        edits.append(signature)
        repairs.append(f"gave {ENTRY_CLASS}.__init__ the arguments the answer built it with as defaults")
    return _apply_line_edits(text, edits), tuple(repairs)


def _cut_unfinished_tail(text: str) -> tuple[str, ast.Module] | None:
    """Remove whole top-level statements from the end until the rest parses (a cut answer)."""
    lines = text.rstrip("\n").split("\n")
    for _ in range(_MAX_TAIL_CUTS):
        starts = [i for i, line in enumerate(lines) if line[:1].strip() and line[0] not in "#)]}"]
        if not starts or starts[-1] == 0:
            return None
        lines = lines[: starts[-1]]
        shortened = "\n".join(lines)
        try:
            return shortened, ast.parse(shortened)
        except SyntaxError:
            continue
    return None


def _module_classes(tree: ast.Module) -> list[ast.ClassDef]:
    return [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef) and any(ast.unparse(base) in _MODULE_BASES for base in node.bases)
    ]


def _rename_module_class(text: str, tree: ast.Module) -> tuple[str, ast.Module, str] | None:
    """``class MyNet(nn.Module)`` becomes ``class Model`` when it is clearly the model."""
    defined = {n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    if ENTRY_CLASS in defined or ENTRY_FUNCTION in defined or re.search(rf"\b{ENTRY_CLASS}\b", text):
        return None
    classes = _module_classes(tree)
    if len(classes) > 1:  # helpers are used by another class; the model is the one nobody uses
        used = {n.id for c in classes for n in ast.walk(c) if isinstance(n, ast.Name)}
        classes = [c for c in classes if c.name not in used]
    if len(classes) != 1:
        return None
    old_name = classes[0].name
    renamed = re.sub(rf"\b{re.escape(old_name)}\b", ENTRY_CLASS, text)
    try:
        return renamed, ast.parse(renamed), old_name
    except SyntaxError:  # pragma: no cover - renaming an identifier keeps the syntax
        return None


def _statements_run_at_import(tree: ast.Module) -> list[ast.stmt]:
    """Top-level statements to drop: everything but imports, defs, classes and constants.

    An assignment is kept when it calls nothing (``N = 4``, ``DTYPE = torch.float16``), or when
    it calls only outside code and a kept function or class reads its name (``W =
    torch.randn(4)`` used in forward).  Anything that builds or calls the program's own model or
    functions, prints, compiles, or assigns to attributes (``config.freezing = True``) goes.
    """
    kept_defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    own_names = {n.name for n in kept_defs}
    read_by_defs = {n.id for d in kept_defs for n in ast.walk(d) if isinstance(n, ast.Name)}
    dropped: list[ast.stmt] = []
    dropped_names: set[str] = set()
    for node in tree.body:
        if isinstance(
            node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        ):
            continue
        targets = _assigned_names(node)
        if targets is not None and _keeps_assignment(node, targets, own_names | dropped_names, read_by_defs):
            continue
        dropped.append(node)
        dropped_names |= targets or set()
    return dropped


def _assigned_names(node: ast.stmt) -> set[str] | None:
    """The plain names an assignment binds; None for anything else (or an attribute target)."""
    if isinstance(node, ast.AnnAssign):
        targets: list[ast.expr] = [node.target]
    elif isinstance(node, ast.Assign):
        targets = node.targets
    else:
        return None
    names: set[str] = set()
    for target in targets:
        elements = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
        if not all(isinstance(e, ast.Name) for e in elements):
            return None
        names.update(e.id for e in elements if isinstance(e, ast.Name))
    return names


def _keeps_assignment(node: ast.stmt, targets: set[str], avoid: set[str], read_by_defs: set[str]) -> bool:
    value = getattr(node, "value", None)
    if value is None:
        return True
    names = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
    calls = [n for n in ast.walk(value) if isinstance(n, ast.Call)]
    called = {call_name(call) for call in calls}
    if names & avoid or called & _RUNS_AT_IMPORT:
        return False
    return not calls or bool(targets & read_by_defs)


def _constructor_defaults_edit(
    text: str, tree: ast.Module, dropped: list[ast.stmt]
) -> tuple[int, int, list[str]] | None:
    """A line edit giving ``Model.__init__``'s required parameters the answer's own values."""
    init = method(tree, INIT_METHOD)
    if init is None or not required_parameters(init, skip_self=True):
        return None
    calls = [
        n
        for stmt in dropped
        for n in ast.walk(stmt)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == ENTRY_CLASS
    ]
    for call in calls:
        arguments = _arguments_with_defaults(init.args, call)
        if arguments is not None:
            return _signature_edit(text, init, arguments)
    return None


def _arguments_with_defaults(arguments: ast.arguments, call: ast.Call) -> ast.arguments | None:
    """``__init__``'s arguments with the call's literal values as defaults; None if any is missing."""
    positional = [*arguments.posonlyargs, *arguments.args][1:]
    if len(call.args) > len(positional) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    values = {param.arg: value for param, value in zip(positional, call.args, strict=False)}
    for keyword in call.keywords:
        if keyword.arg is None:
            return None
        values[keyword.arg] = keyword.value
    if not all(_is_literal(value) for value in values.values()):
        return None
    old_defaults = dict(
        zip(
            [p.arg for p in positional][len(positional) - len(arguments.defaults) :],
            arguments.defaults,
            strict=True,
        )
    )
    new = copy.deepcopy(arguments)
    if any(p.arg not in values and p.arg not in old_defaults for p in positional):
        return None
    new.defaults = [values[p.arg] if p.arg in values else old_defaults[p.arg] for p in positional]
    kw_defaults = [values.get(a.arg, d) for a, d in zip(new.kwonlyargs, new.kw_defaults, strict=True)]
    if any(d is None for d in kw_defaults):
        return None
    new.kw_defaults = kw_defaults
    return new


def _is_literal(node: ast.expr) -> bool:
    """A value safe as a default: a literal or a dotted name (``torch.float16``), never a call
    (a module built once as a default would be shared by every Model())."""
    try:
        ast.literal_eval(node)
        return True
    except ValueError:
        pass
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id in {"torch", "nn", "F", "math"}


def _signature_edit(
    text: str, init: ast.FunctionDef, arguments: ast.arguments
) -> tuple[int, int, list[str]] | None:
    lines = text.split("\n")
    def_line = lines[init.lineno - 1]
    indent = def_line[: init.col_offset]
    if indent.strip():
        return None
    end = _signature_end(lines, init.lineno - 1)
    if end is None:
        return None
    end_line, end_col = end
    returns = f" -> {ast.unparse(init.returns)}" if init.returns else ""
    rest = lines[end_line][end_col:]
    return init.lineno, end_line + 1, [f"{indent}def __init__({ast.unparse(arguments)}){returns}:{rest}"]


def _signature_end(lines: list[str], def_index: int) -> tuple[int, int] | None:
    """(line index, column after) of the colon that ends a def's signature."""
    depth = 0
    readline = io.StringIO("\n".join(lines[def_index:]) + "\n").readline
    try:
        for token in tokenize.generate_tokens(readline):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                depth -= 1
            elif token.string == ":" and depth == 0:
                return def_index + token.start[0] - 1, token.end[1]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return None


def _apply_line_edits(text: str, edits: list[tuple[int, int, list[str]]]) -> str:
    """Replace 1-based inclusive line ranges, last first so earlier numbers stay right."""
    lines = text.split("\n")
    for first, last, replacement in sorted(edits, key=lambda edit: edit[0], reverse=True):
        lines[first - 1 : last] = replacement
    return re.sub(r"\n{4,}", "\n\n\n", "\n".join(lines))


# --- checks parse_program does not make -------------------------------------------------------


def runtime_problem(source: str) -> str | None:
    """A mistake that would make a structurally valid program fail as soon as it runs."""
    tree = ast.parse(source)
    functions = named(tree.body, ast.FunctionDef)
    make_inputs = functions[INPUTS_FUNCTION]
    if any(isinstance(n, ast.Name) and n.id == "self" for n in ast.walk(make_inputs)):
        return f"{INPUTS_FUNCTION}() uses self, but it is a plain function, not a method"
    model = model_class(tree)
    methods = named(model.body, ast.FunctionDef) if model else {}
    init = methods.get(INIT_METHOD)
    if init is not None and not any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "__init__"
        for n in ast.walk(init)
    ):
        return f"{ENTRY_CLASS}.__init__() does not call super().__init__()"
    entry = methods.get(ENTRY_METHOD) if model else functions.get(ENTRY_FUNCTION)
    return _input_count_problem(make_inputs, entry, skip_self=model is not None) if entry else None


def _input_count_problem(make_inputs: ast.FunctionDef, entry: ast.FunctionDef, skip_self: bool) -> str | None:
    """make_inputs() returning a literal tuple of the wrong length for forward()/fn()."""
    returns = [n for n in ast.walk(make_inputs) if isinstance(n, ast.Return) and n.value is not None]
    if len(returns) != 1 or not isinstance(returns[0].value, (ast.Tuple, ast.List)):
        return None
    elements = returns[0].value.elts
    if any(isinstance(e, ast.Starred) for e in elements) or entry.args.vararg is not None:
        return None
    positional = [*entry.args.posonlyargs, *entry.args.args][1 if skip_self else 0 :]
    required = len(positional) - len(entry.args.defaults)
    if required <= len(elements) <= len(positional):
        return None
    name = "forward()" if skip_self else f"{ENTRY_FUNCTION}()"
    takes = f"{required}" if required == len(positional) else f"{required} to {len(positional)}"
    return f"{INPUTS_FUNCTION}() returns {len(elements)} inputs but {name} takes {takes}"
