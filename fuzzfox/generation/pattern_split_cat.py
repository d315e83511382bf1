"""Programs for the split/cat family (``fx_passes/split_cat.py``), whose patterns no node-by-node
writer can spell: they match torch-level calls before tracing (``torch.split``, ``Tensor.split``,
``torch.unbind``, a list of ``getitem`` of them into ``torch.cat``/``torch.stack``) or their aten
forms after it, and each runs only when its pass is named in ``pre_grad_fusion_options`` or
``post_grad_fusion_options``.

A program is a *source* of pieces (a split, an unbind, selects), an optional step on each piece
(a reshape, a squeeze), and a *sink* (cat or stack), spelled the way the pattern's text says
(function or method, ``tensors=``/``dim=`` keywords or positional), or, for a normalization
pattern, the one call it normalizes.  Sizes are drawn; the pieces stay equal so a stack
type-checks.
"""

from __future__ import annotations

import random
import re

from fuzzfox.generation.pattern_variants import distinct_variants, header
from fuzzfox.program import Program, ProgramError, parse_program
from fuzzfox.whitebox.optimization import Optimization

FILE = "split_cat.py"
AFTER_TRACING = "_aten_pass"  # a pass on the aten graph: enabled by post_grad_fusion_options
CALLED = re.compile(r"VarArgs\(\[?(?:torch\.|aten\.)?(\w+)")  # the op a normalization pattern matches


def can_write(optimization: Optimization) -> bool:
    return (
        optimization.file.endswith(FILE)
        and optimization.kind == "graph_pattern"
        and optimization.pass_name.endswith("_pass")
        and _body(optimization, _Sizes(None)) is not None
    )


def split_cat_programs(optimization: Optimization, seed: int, count: int) -> list[Program]:
    """Up to ``count`` distinct programs (the canonical one first) for a split/cat pattern."""
    if not can_write(optimization):
        return []
    return distinct_variants(lambda rng: _program(optimization, _Sizes(rng)), seed, count)


class _Sizes:
    """x is (batch, pieces * size, features): ``pieces`` equal pieces along dim 1."""

    def __init__(self, rng: random.Random | None) -> None:
        """Drawn from ``rng``; the canonical sizes where it is None."""

        def pick(*choices: int) -> int:
            return choices[0] if rng is None else rng.choice(choices)

        self.batch, self.pieces, self.size, self.features = pick(2, 3), pick(3, 4), pick(2, 4), pick(5, 8)

    @property
    def width(self) -> int:
        return self.pieces * self.size


def _body(optimization: Optimization, sizes: _Sizes) -> list[str] | None:
    """The forward's lines computing ``out`` from ``x`` (and ``w`` for einsum), or None."""
    text, name = optimization.pattern, optimization.pass_name.removesuffix("_pass")
    if name in ("normalization", "normalization_aten", "einsum_to_pointwise", "remove_split_with_size_one"):
        return _normalized(text, sizes, name)
    method = "CallMethod" in text
    if name == "merge_splits":
        half = sizes.size
        return [
            f"first = torch.split(x, {2 * half}, dim=1)",
            f"second = torch.split(first[0], {half}, dim=1)",
            "out = torch.cat([second[0] * 2, second[1], *first[1:]], dim=1)",
        ]
    if "unsqueeze" in text:  # a stack of an unbind, as the aten graph has it: cat of unsqueezed selects
        return ["parts = torch.unbind(x, dim=1)", "out = torch.stack(parts, 1)"]
    if "unbind" in text:
        pieces = "x.unbind(1)" if method else "torch.unbind(x, dim=1)"
    elif "select" in text:
        pieces = f"[x[:, i] for i in range({sizes.pieces})]"
    else:
        pieces = f"x.split({sizes.size}, 1)" if method else f"torch.split(x, {sizes.size}, dim=1)"
    lines = [f"parts = {pieces}"]
    chosen = "parts"
    if "squeeze" in text or (name == "split_cat" and "RepeatedExpr" in text):
        lines = ["parts = torch.split(x, 1, dim=1)", "parts = [p.squeeze(1) for p in parts]"]
    elif "reshape" in text:
        lines.append(f"parts = [torch.reshape(p, ({sizes.batch}, -1)) for p in parts]")
    if name in ("split_cat_to_slices", "unbind_stack_to_slices", "mutate_cat"):
        chosen = "[parts[0], parts[2]]"  # a subset: slices of x
    sink = "stack" if "stack" in text.split("ListOf")[0] else "cat"
    lines.append(f"out = {_sink(text, sink, chosen)}")
    if name == "merge_getitem_cat":
        lines.append("out = (out, parts[-1] * 2)")
    return lines


def _sink(text: str, sink: str, pieces: str) -> str:
    """``torch.cat``/``torch.stack`` of ``pieces`` on dim 1, spelled as the pattern spells it."""
    listed = f"[*{pieces}]" if pieces == "parts" else pieces
    outer = text[text.rfind(")") - len("dim=Ignored(), _users=MULTIPLE") - 2 :]  # the sink's own arguments
    if "tensors=ListOf" in text:
        return f"torch.{sink}(tensors={listed}, dim=1)"
    if "dim=Ignored()" in outer:
        return f"torch.{sink}({listed}, dim=1)"
    return f"torch.{sink}({listed}, 1)"


def _normalized(text: str, sizes: _Sizes, name: str) -> list[str] | None:
    """The one call a normalization (or single-call) pattern matches, on ``x``."""
    method = "CallMethod" in text

    def call(op: str, arguments: str) -> str:
        return f"x.{op}({arguments})" if method else f"torch.{op}(x, {arguments})"

    if name == "einsum_to_pointwise":  # two operands, an add user, equations like bni,bnio->bno
        return ['out = torch.einsum("bni,bnio->bno", x, w) + 1.0']
    if name == "remove_split_with_size_one":
        return [f"(whole,) = {call('split', f'{sizes.width}, 1')}", "out = whole * 2"]
    sections = ", ".join([str(sizes.size)] * sizes.pieces)
    calls = {  # the op's name as the pattern prints it -> the expression
        "split_with_sizes": f"torch.cat([p * 2 for p in torch.split(x, [{sections}], 1)], 1)",
        "clamp": call("clamp", "-0.5, 0.5"),
        "detach": "x.detach() * 2",
        "reshape": f"x.reshape({sizes.batch}, -1)",
        "split": f"torch.cat([p * 2 for p in {call('split', f'{sizes.size}, 1')}], 1)",
        "squeeze": "x.unsqueeze(1).squeeze(1)",
        "stack": "torch.stack([x, x * 2], 0)",
        "unbind": f"torch.stack([p * 2 for p in {call('unbind', '1')}], 1)",
        "cat": "torch.cat([x, x * 2], 1)",
    }
    called = CALLED.search(text)
    op = called.group(1) if called else None
    return [f"out = {calls[op]}"] if op in calls else None


def _program(optimization: Optimization, sizes: _Sizes) -> Program | None:
    body = _body(optimization, sizes)
    if body is None:
        return None
    after_tracing = optimization.pass_name.endswith(AFTER_TRACING)
    options = "post_grad_fusion_options" if after_tracing else "pre_grad_fusion_options"
    # the merge passes expect splits and cats in the form the normalization pass leaves them
    normalization = "normalization_aten_pass" if after_tracing else "normalization_pass"
    passes = {name: {} for name in sorted({normalization, optimization.pass_name})}
    einsum = "einsum" in optimization.pass_name
    inputs = ["x", "w"] if einsum else ["x"]
    made = [f"torch.randn({sizes.batch}, {sizes.width}, {sizes.features})"]
    if einsum:
        made.append(f"torch.randn({sizes.batch}, {sizes.width}, {sizes.features}, 3)")
    lines = [
        *header(optimization.id),
        f"# config: {options}={passes!r}",
        f"# description: what {optimization.pass_name} rewrites ({optimization.id}), spelled as its pattern",
        "import torch",
        "",
        "",
        f"def fn({', '.join(inputs)}):",
        *(f"    {line}" for line in body),
        "    return out",
        "",
        "",
        "def make_inputs():",
        f"    return ({', '.join(made)},)",
        "",
    ]
    try:
        return parse_program("\n".join(lines))
    except ProgramError:
        return None
