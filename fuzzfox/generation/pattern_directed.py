"""Pattern-directed synthesis: programs that hold an optimization's own pattern (no LLM).

Three sources of a pattern: the search function a replacement was traced from (here), the
pattern graph of most other entries (:mod:`~fuzzfox.generation.pattern_graphs`), and for the
split/cat family the torch-level calls it names (:mod:`~fuzzfox.generation.pattern_split_cat`).
A decomposition or a lowering has no pattern but its op: its programs call the op as PyTorch's
OpInfo samples do (:mod:`~fuzzfox.generation.op_sample_programs`).

Inductor generates many of its replacements by tracing a *search function* on example inputs
(``gen_register_replacement``: every ``fuse_attention`` variant, training and inference, float
and half, batch of one or more).  The catalog keeps that function's source and the recipe of its
trace (:attr:`~fuzzfox.whitebox.optimization.Optimization.recipe`: each example input's shape,
stride, dtype and ``requires_grad``, a 0-d input's value, training or inference, the scalar
arguments).  A program that calls the search function itself on inputs made to the recipe holds
the pattern by construction; the trigger probe says whether the optimization's ``extra_check``
took it too.

Variants of one optimization keep what the pattern depends on (ranks, dtypes, layouts, a batch
of one, equal sizes equal) and move the rest: the first is the recipe as traced; the others map
each distinct size to another (all dims of one size together, so a sequence length shared by
the queries and the mask stays shared) and draw other values for the scalar arguments.

Nothing here imports a framework: the programs are text, written in the campaign process.
"""

from __future__ import annotations

import ast
import math
import random
from collections.abc import Sequence
from typing import Any

from fuzzfox.generation import op_sample_programs, pattern_graphs, pattern_split_cat
from fuzzfox.generation.pattern_variants import distinct_variants, header
from fuzzfox.program import Program, ProgramError, parse_program
from fuzzfox.whitebox.optimization import Optimization

SIZE_CHOICES = (2, 3, 4, 5, 6, 8, 12, 16)  # what a size other than 1 may become in a variant
MAX_ELEMENTS = 1 << 16  # per input, so a variant stays quick to compile and run
# Natural values for the scalar arguments patterns take (the traced ones are magic numbers
# chosen to be recognizable: 0.66666, 0.113377).  dropout_p must stay positive in training,
# where dropout is in the traced graph; inference patterns are traced with it fixed at 0.
SCALAR_CHOICES: dict[str, tuple[float, ...]] = {
    "inv_scale": (4.0, 2.0, 8.0, 2.8284271247461903),
    "scale_factor": (0.25, 0.125, 0.5, 0.3535533905932738),
    "dropout_p": (0.1, 0.2, 0.3),
}


def can_write(optimization: Optimization) -> bool:
    """Whether a program can be written for it: a recipe and a search function in its source,
    recorded calls of its op, or a pattern graph :mod:`~fuzzfox.generation.pattern_graphs` spells."""
    if _has_search_function(optimization) or pattern_split_cat.can_write(optimization):
        return True
    if op_sample_programs.can_write(optimization):
        return True
    return pattern_graphs.can_write(optimization)


def _has_search_function(optimization: Optimization) -> bool:
    return bool(optimization.recipe) and _search_function(optimization, _functions(optimization)) is not None


def pattern_programs(optimization: Optimization, seed: int, count: int) -> list[Program]:
    """Up to ``count`` distinct programs for ``optimization`` (the recipe or the canonical graph
    first), from ``seed``."""
    if op_sample_programs.can_write(optimization):
        return op_sample_programs.op_sample_programs(optimization, seed, count)
    functions = _functions(optimization)
    search = _search_function(optimization, functions) if optimization.recipe else None
    if search is None and pattern_split_cat.can_write(optimization):
        return pattern_split_cat.split_cat_programs(optimization, seed, count)
    if search is None:
        return pattern_graphs.graph_programs(optimization, seed, count)
    called = _with_callees(search, functions)
    return distinct_variants(lambda rng: _program(optimization, search, called, rng), seed, count)


def _search_function(
    optimization: Optimization, functions: dict[str, ast.FunctionDef]
) -> ast.FunctionDef | None:
    return functions.get((optimization.recipe or {}).get("search_fn") or "")


def _functions(optimization: Optimization) -> dict[str, ast.FunctionDef]:
    """The top-level functions of the optimization's source (the search function and its helpers)."""
    try:
        tree = ast.parse(optimization.source)
    except SyntaxError:
        return {}
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def _with_callees(function: ast.FunctionDef, functions: dict[str, ast.FunctionDef]) -> list[ast.FunctionDef]:
    """``function`` after the functions of the source it calls, transitively (a search function
    may be another pattern's, as ``_sfdp_pattern_28`` calls ``_sfdp_pattern_4``)."""
    ordered: list[ast.FunctionDef] = []

    def visit(node: ast.FunctionDef) -> None:
        if node in ordered:
            return
        for call in ast.walk(node):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
                callee = functions.get(call.func.id)
                if callee is not None and callee is not node:
                    visit(callee)
        ordered.append(node)

    visit(function)
    return ordered


def _program(
    optimization: Optimization,
    function: ast.FunctionDef,
    called: list[ast.FunctionDef],
    rng: random.Random | None,
) -> Program | None:
    """The recipe as traced (``rng`` None), or a variant drawn from ``rng``: ``function`` (the
    search function) called on the inputs, after ``called`` (it and what it calls) defined."""
    recipe = optimization.recipe or {}
    inputs: list[dict[str, Any]] = recipe["inputs"]
    sizes = _size_map(inputs, rng)
    traced = list(recipe.get("parameters") or [])
    parameters = [a.arg for a in function.args.args]
    named = traced[: len(inputs)] if len(traced) >= len(inputs) else parameters[: len(inputs)]
    # A 0-d example input stands for a Python scalar (a scale the extra_check wants as a number
    # in the graph, not a tensor input); the others are the program's inputs.
    tensors = {name: spec for name, spec in zip(named, inputs, strict=True) if spec.get("shape")}
    tensor_names = list(tensors)
    arguments = []
    for name in parameters:
        if name in tensors:
            arguments.append(name)
        else:
            arguments.append(f"{name}={_scalar(name, recipe, rng)!r}")
    made = [_tensor(spec, sizes, recipe.get("training", False)) for spec in tensors.values()]
    mode = "training" if recipe.get("training") else "inference"
    lines = [
        *header(optimization.id, mode),
        f"# description: {function.name} from {optimization.file}, on inputs made to the recipe of its trace",
        "import torch",
        "",
        "aten = torch.ops.aten",
        "",
        "",
        "\n\n\n".join(ast.unparse(_without_docstring(f)) for f in called),
        "",
        "",
        "class Model(torch.nn.Module):",
        f"    def forward(self, {', '.join(tensor_names)}):",
        f"        return {function.name}({', '.join(arguments)})",
        "",
        "",
        "def make_inputs():",
        f"    return ({', '.join(made)}{',' if len(made) == 1 else ''})",
        "",
    ]
    try:
        return parse_program("\n".join(lines))
    except ProgramError:
        return None


def _without_docstring(function: ast.FunctionDef) -> ast.FunctionDef:
    body = function.body
    if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        function = ast.FunctionDef(**{**function.__dict__, "body": body[1:]})
    return function


def _size_map(inputs: Sequence[dict[str, Any]], rng: random.Random | None) -> dict[int, int]:
    """Each distinct size of the inputs -> its size in this variant (1 stays 1)."""
    distinct = sorted({size for spec in inputs for size in spec.get("shape", ()) if size > 1})
    if rng is not None:
        for _ in range(8):
            mapping = {size: rng.choice((size, *SIZE_CHOICES)) for size in distinct}
            if all(_elements(spec, mapping) <= MAX_ELEMENTS for spec in inputs):
                return mapping
    # As traced, but within the limit: the largest sizes halved until every input fits (a trace
    # on (1024, 128, 128) inputs is 16M elements, too big to judge quickly or at all).
    mapping = {size: size for size in distinct}
    while any(_elements(spec, mapping) > MAX_ELEMENTS for spec in inputs):
        largest = max(mapping, key=lambda size: mapping[size])
        mapping[largest] = max(2, mapping[largest] // 2)
    return mapping


def _elements(spec: dict[str, Any], sizes: dict[int, int]) -> int:
    return math.prod(sizes.get(size, size) for size in spec.get("shape", ()))


def _scalar(name: str, recipe: dict[str, Any], rng: random.Random | None) -> float:
    choices = SCALAR_CHOICES.get(name) or SCALAR_CHOICES["inv_scale" if "inv" in name else "scale_factor"]
    if name == "dropout_p" and not recipe.get("training"):
        return 0.0
    return choices[0] if rng is None else rng.choice(choices)


def _tensor(spec: dict[str, Any], sizes: dict[int, int], training: bool) -> str:
    """A ``make_inputs`` expression for one example input of the recipe (a tensor of rank >= 1:
    0-d ones are numbers in the call)."""
    dtype = spec["dtype"]
    shape = [sizes.get(size, size) for size in spec["shape"]]
    grad = training and spec.get("requires_grad", False) and dtype.startswith(("float", "bfloat"))
    if dtype == "bool":
        return f"torch.rand({_sizes(shape)}) > 0.25"
    if not dtype.startswith(("float", "bfloat")):
        return f"torch.randint(0, 4, ({_sizes(shape)},), dtype=torch.{dtype})"
    made = f"torch.randn({_sizes(shape)}, dtype=torch.{dtype})"
    order = _stride_order(spec)
    if order != list(range(len(shape))) and len(set(spec["stride"])) == len(shape):
        # the same layout as traced (dims in memory in the recorded order), made by a permute
        # of a contiguous tensor, so the input is a view with those strides
        permuted = [shape[d] for d in order]
        inverse = [order.index(d) for d in range(len(shape))]
        made = f"torch.randn({_sizes(permuted)}, dtype=torch.{dtype}).permute({', '.join(map(str, inverse))})"
    return f"{made}.requires_grad_()" if grad else made


def _stride_order(spec: dict[str, Any]) -> list[int]:
    """The dims from outermost to innermost in memory (by recorded stride, then position)."""
    strides = spec.get("stride") or []
    return sorted(range(len(strides)), key=lambda d: (-strides[d], d))


def _sizes(shape: Sequence[int]) -> str:
    return ", ".join(str(size) for size in shape)
