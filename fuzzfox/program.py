"""The test-program format, and a parser that says plainly why a file is not a program.

A program is one Python file::

    # target: torch-inductor
    # optimization: pointless_permute_pair
    # origin: seed
    # parent: -
    # mode: inference
    # config: freezing=True
    import torch

    class Model(torch.nn.Module):       # or: def fn(*inputs): ...
        def __init__(self): ...          # no constructor arguments
        def forward(self, x): ...

    def make_inputs():
        return (torch.randn(2, 3),)

The header is the leading block of ``# key: value`` comments.  ``mode`` is ``inference`` (the
forward runs under ``no_grad``, which inference-only passes such as mkldnn fusion need) or
``training``; ``config`` holds compiler settings for this program, as ``KEY=VALUE`` pairs
separated by commas; ``compile`` how a torch program is compiled (``dynamic``, ``resize``,
``fullgraph``, ``capture_scalar_outputs``, ``capture_dynamic_output_shape_ops``: see
``oracles.torch.compile_settings``), pairs too; ``oracle`` narrows the oracles that judge it
(``oracle: values`` for a program whose gradients are undefined: ``Program.oracles``).  Programs
are content-addressed: the id is the sha256 of the normalized source, so the same program found
twice is stored once.

A confirmed framework bug kept as a regression program (``corpus/regressions/``) adds::

    # expect: bug                                  (the only value: a known bug candidate)
    # symptom: crash                               (the verdict's symptom it shows)
    # match: The size of tensor a (3) must match   (optional: text its explanation contains)
    # oracle: values,grads                         (optional: the oracles that show it)
    # confirmed: torch 2.13.0+cpu                  (the framework versions it was confirmed on)
    # issue: https://github.com/...                (optional: where it is reported)
    # description: one line saying what the bug is

The pytest plugin runs such a program expecting that failure (``Program.expectation``).
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fuzzfox.program_ast import (
    ENTRY_CLASS,
    ENTRY_FUNCTION,
    ENTRY_METHOD,
    INIT_METHOD,
    INPUTS_FUNCTION,
    named,
    required_parameters,
)

HEADER_LINE = re.compile(r"^#\s*([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
FENCE_LINE = re.compile(r"^\s*```")
MODES = ("inference", "training")
DEFAULT_MODE = "inference"
# The header's optimization of a program aimed at none (it explores); rounds of such programs
# are not counted against the optimization they were drawn for.
EXPLORE = "explore"
EXPECT_BUG = "bug"
# Symptom values of oracles.verdict.Symptom (not imported: the oracles package loads numpy).
SYMPTOMS = ("crash", "status", "wrong_shape", "wrong_dtype", "wrong_value", "wrong_gradient", "timeout")
EXPECTATION_REQUIRED = ("symptom", "confirmed", "description")  # with ``expect: bug``


class ProgramError(ValueError):
    """A file that is not a runnable test program; the message says why."""


@dataclasses.dataclass(frozen=True)
class Expectation:
    """A regression program's recorded bug: what its verdict must keep showing until a fix."""

    symptom: str
    confirmed: str
    description: str
    match: str = ""  # text the verdict's explanation must contain; empty: any
    oracles: tuple[str, ...] = ()  # empty: the runner's
    issue: str = ""
    # Rewrite rules that all hold this one bug (a pattern registered in several variants): a
    # silent mismatch after any of them, with ``match`` in its verdict, is this bug.
    family: tuple[str, ...] = ()

    @classmethod
    def from_metadata(cls, metadata: dict[str, str]) -> Expectation | None:
        """None for a program without ``expect``; ProgramError for an incomplete one."""
        expect = metadata.get("expect")
        if expect is None:
            return None
        if expect != EXPECT_BUG:
            raise ProgramError(f"expect must be {EXPECT_BUG!r}, not {expect!r}")
        if missing := [key for key in EXPECTATION_REQUIRED if not metadata.get(key)]:
            raise ProgramError(f"expect: {EXPECT_BUG} needs the header keys {', '.join(missing)}")
        if metadata["symptom"] not in SYMPTOMS:
            raise ProgramError(f"symptom must be one of {', '.join(SYMPTOMS)}, not {metadata['symptom']!r}")
        oracles = tuple(part.strip() for part in metadata.get("oracle", "").split(",") if part.strip())
        return cls(
            symptom=metadata["symptom"],
            confirmed=metadata["confirmed"],
            description=metadata["description"],
            match=metadata.get("match", ""),
            oracles=oracles,
            issue="" if metadata.get("issue", "-") == "-" else metadata["issue"],
            family=tuple(part.strip() for part in metadata.get("family", "").split(",") if part.strip()),
        )


@dataclasses.dataclass(frozen=True)
class Program:
    source: str
    metadata: dict[str, str]
    path: str | None = None

    @property
    def id(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()

    @property
    def target(self) -> str:
        return self.metadata.get("target", "")

    @property
    def optimization(self) -> str:
        return self.metadata.get("optimization", "")

    @property
    def mode(self) -> str:
        return self.metadata.get("mode", DEFAULT_MODE)

    @property
    def config(self) -> dict[str, Any]:
        return parse_settings(self.metadata.get("config", ""))

    @property
    def compile_settings(self) -> dict[str, Any]:
        return parse_settings(self.metadata.get("compile", ""))

    def oracles(self, asked: Sequence[str]) -> list[str]:
        """The oracles that judge this program: those ``asked`` that its header's ``oracle:`` names
        (a program whose gradients are undefined says ``oracle: values``); its own where none of
        the asked ones is among them; all of ``asked`` without the key."""
        own = [part.strip() for part in self.metadata.get("oracle", "").split(",") if part.strip()]
        if not own:
            return list(asked)
        return [name for name in asked if name in own] or own

    @property
    def expectation(self) -> Expectation | None:
        """The recorded bug of a regression program (``expect: bug``), None for any other."""
        return Expectation.from_metadata(self.metadata)

    @property
    def name(self) -> str:
        return Path(self.path).name if self.path else self.id[:12]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Program:
        return cls(source=data["source"], metadata=dict(data["metadata"]), path=data.get("path"))


def normalize_source(source: str) -> str:
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n") + "\n"


def parse_settings(text: str) -> dict[str, Any]:
    """``"freezing=True, opts={'a': {}, 'b': {}}"`` -> ``{"freezing": True, "opts": {...}}``."""
    settings: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in _top_level_split(text))):
        key, value = parse_setting(item)
        settings[key] = value
    return settings


def format_settings(settings: dict[str, Any]) -> str:
    """``{"dynamic": True, "resize": True}`` -> ``"dynamic=True, resize=True"``: parse_settings inverted."""
    return ", ".join(f"{key}={value!r}" for key, value in settings.items())


def _top_level_split(text: str) -> list[str]:
    """Split on commas that are not inside brackets or quotes."""
    parts, current, depth, quote = [], [], 0, ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def parse_setting(item: str) -> tuple[str, Any]:
    key, sep, raw = item.partition("=")
    if not sep or not key.strip():
        raise ProgramError(f"setting {item!r} is not KEY=VALUE")
    raw = raw.strip()
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw  # a bare word is a string
    return key.strip(), value


def parse_header(source: str) -> dict[str, str]:
    metadata: dict[str, str] = {}
    for line in source.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        match = HEADER_LINE.match(stripped)
        if not match:
            break
        metadata[match.group(1).lower()] = match.group(2)
    return metadata


def parse_program(source: str, path: str | None = None, default_target: str = "") -> Program:
    """Check a program's shape without running it; raise ProgramError with the reason."""
    if not source.strip():
        raise ProgramError("empty file")
    for number, line in enumerate(source.splitlines(), 1):
        if FENCE_LINE.match(line):
            raise ProgramError(f"markdown fence left in at line {number}")
    try:
        tree = ast.parse(source, filename=path or "<program>")
    except SyntaxError as error:
        if error.lineno is None and "\0" in source:  # Python names no line for a NUL byte
            line = source[: source.index("\0")].count("\n") + 1
            raise ProgramError(f"a NUL byte at line {line}: a program is Python source text") from None
        raise ProgramError(f"syntax error at line {error.lineno}: {error.msg}") from None
    _check_entry_points(tree)
    metadata = parse_header(source)
    if not metadata.get("target") and default_target:
        metadata["target"] = default_target
    mode = metadata.get("mode", DEFAULT_MODE)
    if mode not in MODES:
        raise ProgramError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    parse_settings(metadata.get("config", ""))
    parse_settings(metadata.get("compile", ""))
    Expectation.from_metadata(metadata)
    return Program(normalize_source(source), metadata, path)


def _check_entry_points(tree: ast.Module) -> None:
    """The definitions Python binds when the module runs (the later of two with one name)."""
    functions = named(tree.body, ast.FunctionDef)
    model = named(tree.body, ast.ClassDef).get(ENTRY_CLASS)
    if model is not None:
        methods = named(model.body, ast.FunctionDef)
        if ENTRY_METHOD not in methods:
            raise ProgramError(f"class {ENTRY_CLASS} has no {ENTRY_METHOD}() method")
        init = methods.get(INIT_METHOD)
        if init is not None and (required := required_parameters(init, skip_self=True)):
            raise ProgramError(
                f"{ENTRY_CLASS}() must take no constructor arguments (requires {', '.join(required)})"
            )
    elif ENTRY_FUNCTION not in functions:
        raise ProgramError(f"no class {ENTRY_CLASS} and no function {ENTRY_FUNCTION}()")
    inputs = functions.get(INPUTS_FUNCTION)
    if inputs is None:
        raise ProgramError(f"no {INPUTS_FUNCTION}() function")
    if required := required_parameters(inputs, skip_self=False):
        raise ProgramError(f"{INPUTS_FUNCTION}() must take no arguments (requires {', '.join(required)})")


def with_header(program: Program, **fields: str) -> Program:
    """The same program with header keys set (added or replaced), header order kept."""
    metadata = {**program.metadata, **fields}
    lines = program.source.splitlines()
    body_start = 0
    for number, line in enumerate(lines):
        if line.strip() and not HEADER_LINE.match(line.strip()):
            body_start = number
            break
    else:
        body_start = len(lines)
    header = [f"# {key}: {value}" for key, value in metadata.items()]
    source = normalize_source("\n".join([*header, *lines[body_start:]]))
    return Program(source, metadata, program.path)


def load_program(path: Path, default_target: str = "") -> Program:
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ProgramError("not UTF-8 text") from None
    return parse_program(source, str(path), default_target)


def discover(paths: list[Path]) -> list[Path]:
    """Program files under the given files and directories, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*.py"))
                if not p.name.startswith(("_", "conftest")) and "__pycache__" not in p.parts
            )
        else:
            found.append(path)
    return found
