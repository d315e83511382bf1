"""A bug's signature: what stays the same when one compiler bug is hit by many different programs.

In the style of ClusterFuzz's crash state, a signature is symptom × stage × exception type ×
normalized message × the top 3 frames inside the framework × the backend that misbehaved.  For
silent mismatches (wrong value, shape, dtype, gradient) there is no exception to go by, so the
signature carries the optimizations the program triggered and the ops (call names) of the
program instead.

What a message keeps (``normalize_message``): its first paragraph, cut where the framework starts
quoting the program (Inductor's ``args[i]:`` dump of every argument's IR after ``target: <op>``,
``Found from``, ``While executing``, ``Original traceback``, ``from user code``): those parts carry
the program's own source lines, constants and producers, so one lowering bug reached by
``x.sum(dim=-1)`` and by ``tanh(x).sum(dim=-2, keepdim=True)`` used to differ in half its words.
Paths, addresses, shapes, generated names, hashes and numbers (negative ones too) become
placeholders.  A frame counts as the framework's when its path has a framework root as a
directory (``.../site-packages/torch/...`` or a patched copy's ``.../shadow/torch/...``).

Grouping rule (``same_bug``; symmetric):

- both signatures have the same symptom, stage, site and wrong leaf kind (a silent mismatch in an
  input the compiled call changed, or in an output); the site is the backend, except that
  every comparison of the gradient oracle's *eager* autodiff modes (``reverse-vs-numeric``,
  ``forward-vs-numeric``, ``reverse-vs-forward``, the second-order ones, a crash in ``forward``...)
  is one site, ``autodiff``: one wrong derivative rule shows in every mode that uses it, and the
  oracle names whichever comparison failed first.  The compiled gradient (``compiled-reverse``: a
  compiler bug in the backward graph) stays its own site, as does every compiled backend; then
- a crash, status or timeout: same exception type, same top frames, the same exception types
  named in the message (a wrapper such as ``InductorError`` says ``LoweringException: IndexError:
  ...``), and messages that are equal after normalization or whose token sets have a Jaccard
  index of at least ``MESSAGE_JACCARD``;
- a silent mismatch: of the two op sets one contains the other (ops compared by their last
  name, so ``x.sigmoid()``, ``torch.sigmoid`` and ``F.sigmoid`` are one op; an ATen overload
  ``torch.ops.aten.sigmoid.default`` by its op's name), and of the two
  sets of rewrite rules triggered one contains the other (a rule's registered variants,
  ``name#hash``, are the rule; the per-op decomposition and lowering entries repeat the ops).
  An empty set contains nothing and is contained in everything: a cluster whose representative
  has not been minimized yet has empty sets (unknown), so it groups by symptom, stage and site
  alone until minimization says which ops the bug needs.

``reproduces`` is the looser test for a re-run or a smaller variant of a known bug: a silent
mismatch needs only the same symptom, stage and site (minimization removes ops), a crash
must be the same bug by the rule above.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import hashlib
import json
import re
import signal
from collections.abc import Collection
from typing import Any

from fuzzfox.program_ast import INPUTS_FUNCTION, dotted_name, import_aliases
from oracles.verdict import Verdict

MESSAGE_JACCARD = 0.8
TORCH_OPS_PREFIX = "torch.ops."  # torch.ops.<namespace>.<op>.<overload>: the op is the fourth name
TABLE_ENTRY_PREFIXES = ("decomposition.", "lowering.")  # the catalog's per-op entries
TOP_FRAMES = 3
MESSAGE_CHARS = 500
# Frames in these packages count; ours (fuzzfox/, oracles/) and the program's do not.
FRAMEWORK_ROOTS = ("torch/", "jax/", "jaxlib/", "tensorflow/")
# The gradient oracle's eager autodiff modes (oracles/gradcheck.py), which its comparisons name
# as "<mode>-vs-<mode>" or "<mode>-vs-numeric"; "compiled-reverse" is the compiler's, not one of them.
# (also "reverse-fp64", the fp64 reference; "numeric", the central difference; "autodiff", a fallback)
AUTODIFF_MODES = frozenset(
    {"reverse", "forward", "reverse-over-reverse", "forward-over-reverse"}
    | {"reverse-fp64", "numeric", "autodiff"}
)
AUTODIFF_SITE = "autodiff"

_FRAMEWORK_FRAME = re.compile(rf"^(?:.*?/)?((?:{'|'.join(re.escape(root) for root in FRAMEWORK_ROOTS)}).*)$")
# fuzzfox's own frames, which may sit inside the framework's stack (the trigger probe wraps
# Inductor's decomposition and lowering tables) and look like its (``fuzzfox/targets/torch/...``).
_HARNESS_FRAME = re.compile(r"(?:^|/)(?:fuzzfox|oracles)/")
# Where a message stops describing the bug and starts quoting the program (a line that begins so).
_PROGRAM_QUOTE = re.compile(
    r"^[ \t]*(?:args\[\d+\]:|kwargs:|Found from\b|While executing\b|Original traceback:|from user code:)",
    re.MULTILINE,
)

_ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:[\w.@+~-]+/)*[\w.@+~-]+")
_HEX = re.compile(r"\b0x[0-9a-fA-F]+\b")
_SHAPE_ITEM = r"(?:-?\d+|[a-z]\d+)"
_SHAPE = re.compile(
    rf"torch\.Size\(\[[^\]]*\]\)|\[\s*{_SHAPE_ITEM}(?:\s*,\s*{_SHAPE_ITEM})*\s*,?\s*\]"
    rf"|\(\s*{_SHAPE_ITEM}(?:\s*,\s*{_SHAPE_ITEM})*\s*,?\s*\)"
)
# Generated names: buffers (buf12), temporaries (tmp3, tmpk2j3l1), graph arguments (arg0_1,
# primals_2), kernels (cpp_fused_add_mul_0, triton_poi_fused_0), index variables (x0, ks1).
_GENERATED_NAME = re.compile(
    r"\b(?:buf|tmp|arg|primals_|tangents_|getitem_|kernel_?)\w*?\d\w*"
    r"|\b(?:cpp|triton)_\w+|\b\w+_fused_\w*"
    r"|\b(?:[xyzrsuqi]|ks|ps|r0_)\d+\b"
)
_HASH = re.compile(r"\b(?=\w*\d)[0-9a-z]{20,}\b")
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?(?![\w])")
_SPACE = re.compile(r"\s+")
_NAMED_TYPE = re.compile(r"\b([A-Z]\w*(?:Error|Exception))\s*:")
_LINE_NUMBER = re.compile(r":\d+ in ")


@dataclasses.dataclass(frozen=True)
class Signature:
    symptom: str
    stage: str
    exception_type: str
    message: str  # normalized
    frames: tuple[str, ...]  # top frames inside the framework, innermost last, no line numbers
    optimizations: tuple[str, ...]  # silent mismatches only: optimizations the program triggered
    ops: tuple[str, ...]  # silent mismatches only: call names of the (minimized) program
    backend: str  # the backend/comparison that misbehaved
    # silent mismatches: "input" where the compiled call changed one of its inputs (in-place
    # writes, aliasing), a different bug from a wrong output even after the same optimizations
    leaf: str = "output"

    def key(self) -> str:
        text = json.dumps(self.to_dict(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def site(self) -> str:
        """Where the bug is, for grouping: the backend, or ``autodiff`` for any eager-mode comparison."""
        return bug_site(self.backend)

    def title(self) -> str:
        where = f"{self.symptom} at {self.stage} in {self.backend or '?'}"
        if is_silent(self):
            parts = [f"{where} (an input changed)" if self.leaf == "input" else where]
            if self.ops:
                parts.append(f"ops {', '.join(self.ops)}")
            if self.optimizations:
                parts.append(f"after {', '.join(self.optimizations)}")
            return "; ".join(parts)
        what = ": ".join(part for part in (self.exception_type, self.message[:100]) if part)
        return f"{where}: {what}" if what else where

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Signature:
        fields = dict(data)
        for name in ("frames", "optimizations", "ops"):
            fields[name] = tuple(fields[name])
        fields.setdefault("leaf", "output")  # stored before the field existed
        return cls(**fields)


def is_silent(signature: Signature) -> bool:
    """A mismatch with no exception: wrong value, shape, dtype, or gradient."""
    return signature.symptom.startswith("wrong_")


def bug_site(backend: str) -> str:
    """``autodiff`` for the gradient oracle's eager modes and their comparisons, else the backend."""
    modes = backend.split("-vs-")
    return AUTODIFF_SITE if all(mode in AUTODIFF_MODES for mode in modes) else backend


def normalize_message(message: str) -> str:
    """The part of an error message that names the bug, not this particular program or run.

    Keeps the first paragraph (Dynamo appends hints after a blank line) up to where it quotes the
    program (see the module docstring), then replaces paths, hex addresses, shapes, generated
    kernel/buffer names, hashes and numbers with placeholders; at most ``MESSAGE_CHARS`` of the
    result are kept (cut after normalizing, so a longer number does not move the cut).
    """
    paragraph = message.strip().split("\n\n", 1)[0]
    quote = _PROGRAM_QUOTE.search(paragraph)
    text = paragraph[: quote.start()] if quote else paragraph
    text = _ABSOLUTE_PATH.sub("<path>", text)
    text = _HEX.sub("<hex>", text)
    text = _SHAPE.sub("<shape>", text)
    text = _GENERATED_NAME.sub("<name>", text)
    text = _HASH.sub("<hash>", text)
    text = _NUMBER.sub("<n>", text)
    return _SPACE.sub(" ", text).strip()[:MESSAGE_CHARS]


def named_types(message: str) -> frozenset[str]:
    """The exception types a message names as ``Type: ...`` (what a wrapper exception wraps)."""
    return frozenset(_NAMED_TYPE.findall(message))


def framework_frames(frames: list[str], limit: int = TOP_FRAMES) -> tuple[str, ...]:
    """The innermost ``limit`` frames inside a framework, as ``file in function`` from the framework's
    root on (no line numbers: they move between versions while the bug stays)."""
    inside = [
        match[1]
        for frame in frames
        if not _HARNESS_FRAME.search(frame) and (match := _FRAMEWORK_FRAME.match(frame))
    ]
    return tuple(_LINE_NUMBER.sub(" in ", frame) for frame in inside[-limit:])


def message_similarity(first: str, second: str) -> float:
    """Jaccard index of the two messages' word sets (1.0 when both are empty)."""
    a, b = set(re.findall(r"[\w<>]+", first)), set(re.findall(r"[\w<>]+", second))
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def program_ops(source: str) -> tuple[str, ...]:
    """The call names of a program's computation, sorted: ``torch.sigmoid``, ``torch.nn.Linear``.

    Import aliases are resolved (``F.relu`` -> ``torch.nn.functional.relu``); a method called on
    a value is written ``.permute`` (the variable's name is not part of the op); Python builtins,
    dunder calls, the program's own functions and classes, ``self.<submodule>(...)`` calls (the
    submodule's constructor is the op) and everything inside ``make_inputs`` are left out.
    """
    tree = ast.parse(source)
    aliases = import_aliases(tree)
    own = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    skipped = {id(n) for f in tree.body if _is_inputs_function(f) for n in ast.walk(f)}
    ops: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and id(node) not in skipped:
            name = _op_name(node.func, aliases, own)
            if name:
                ops.add(name)
    return tuple(sorted(ops))


def _is_inputs_function(node: ast.stmt) -> bool:
    return isinstance(node, ast.FunctionDef) and node.name == INPUTS_FUNCTION


def _op_name(func: ast.expr, aliases: dict[str, str], own: set[str]) -> str | None:
    """How :func:`program_ops` writes a callee: resolved through the imports, ``.name`` for a
    method of a value, the bare name of a function from elsewhere; None for what it leaves out."""
    if isinstance(func, ast.Attribute) and func.attr.startswith("__"):
        return None  # plumbing such as super().__init__()
    if resolved := dotted_name(func, aliases):
        return resolved
    root = func
    while isinstance(root, ast.Attribute):
        root = root.value
    method = f".{func.attr}" if isinstance(func, ast.Attribute) else None
    if not isinstance(root, ast.Name):
        return method  # a method of a computed value: (x + 1).sum()
    if root.id == "self" or root.id in own or (method is None and hasattr(builtins, root.id)):
        return None
    return method or root.id  # a method of a variable (x.permute(...)), or a bare function


def signature_of(verdict: Verdict, source: str | None = None) -> Signature:
    """The signature of one bug verdict; ``source`` (the program) gives a silent mismatch its ops."""
    symptom = verdict.symptom.value if verdict.symptom else ""
    stage = verdict.stage.value if verdict.stage else ""
    backend = verdict.backend or ""
    if symptom.startswith("wrong_"):
        return Signature(
            symptom,
            stage,
            "",
            "",
            (),
            tuple(sorted(set(verdict.triggers))),
            program_ops(source) if source else (),
            backend,
            "input" if (verdict.leaf or "").startswith("input") else "output",
        )
    if verdict.exception is not None:
        exception = verdict.exception
        return Signature(
            symptom,
            stage,
            exception.type,
            normalize_message(exception.message),
            framework_frames(exception.frames),
            (),
            (),
            backend,
        )
    return Signature(symptom, stage, _signal_name(verdict.signal), "", (), (), (), backend)


def _signal_name(number: int | None) -> str:
    if not number:
        return ""
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _nested(first: set[str], second: set[str]) -> bool:
    return first <= second or second <= first


def _op_names(ops: tuple[str, ...]) -> set[str]:
    """``torch.sigmoid``, ``.sigmoid``, ``torch.nn.functional.sigmoid`` and the ATen overload
    ``torch.ops.aten.sigmoid.default`` are one op: ``sigmoid``.  An overload's last name is not
    the op: taken so, every OpInfo call and pattern-graph node was the op ``default`` (or
    ``Tensor``), and a minimized ``avg_pool2d.default`` bundle was the same bug as any other."""
    return {_op_name_of(op) for op in ops}


def _op_name_of(op: str) -> str:
    parts = op.split(".")
    if op.startswith(TORCH_OPS_PREFIX) and len(parts) >= 4:
        return parts[3]  # torch.ops.<namespace>.<op>[.<overload>]
    return parts[-1]


def _rules(optimizations: tuple[str, ...]) -> set[str]:
    """The rewrite rules among the optimizations a program triggered, for grouping: the variants
    one rule registers (``qlinear_post_op_fusion#4eaa9317``, ``#c3f23370``: other dtypes, other
    post-ops) are that rule, and the per-op table entries (``decomposition.aten.add``,
    ``lowering.aten.add``) say again which ops the program calls, which the op sets compare."""
    return {o.split("#", 1)[0] for o in optimizations if not o.startswith(TABLE_ENTRY_PREFIXES)}


def _where(signature: Signature) -> tuple[str, str, str, str]:
    return signature.symptom, signature.stage, signature.site(), signature.leaf


def same_bug(first: Signature, second: Signature) -> bool:
    """The grouping rule of the module docstring."""
    if _where(first) != _where(second):
        return False
    if is_silent(first):
        return _nested(_op_names(first.ops), _op_names(second.ops)) and _nested(
            _rules(first.optimizations), _rules(second.optimizations)
        )
    return (
        first.exception_type == second.exception_type
        and first.frames == second.frames
        and named_types(first.message) == named_types(second.message)
        and (
            first.message == second.message
            or message_similarity(first.message, second.message) >= MESSAGE_JACCARD
        )
    )


def holds_known_bug(observed: Signature, known: Signature, family: Collection[str] = ()) -> bool:
    """Whether a program whose signature is ``observed`` (not minimized: all its ops and
    optimizations) shows the bug of a minimized ``known`` one: a crash is the same bug by the
    rule above; a silent mismatch shows at the same place, with every op and rewrite rule the
    known program needs among its own, or, where the known bug names the ``family`` of rules
    that all hold it (one pattern registered in several variants, each with its own ops), after
    any rule of the family."""
    if not is_silent(known):
        return same_bug(observed, known)
    if _where(observed) != _where(known):
        return False
    if family:
        return bool(_rules(observed.optimizations) & set(family))
    return _op_names(known.ops) <= _op_names(observed.ops) and _rules(known.optimizations) <= _rules(
        observed.optimizations
    )


def reproduces(observed: Signature, expected: Signature) -> bool:
    """Whether a re-run or a smaller variant shows the expected bug (see the module docstring)."""
    if is_silent(expected):
        return _where(observed) == _where(expected)
    return same_bug(observed, expected)
