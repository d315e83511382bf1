"""Programs that call a decomposition's or a lowering's own op, as PyTorch's OpInfo samples do.

The catalog records, for each op of Inductor's decomposition and lowering tables, a few calls its
OpInfo samples make (:mod:`~fuzzfox.targets.torch.op_samples`): the call's text and a spec per
tensor argument.  A program here is one such call, ``torch.ops.aten.<op>.<overload>(...)``, on
inputs made to the specs: float tensors drawn fresh (inside the op's input domain, ``[low,
high)`` less :data:`DOMAIN_MARGIN` at each end, where its OpInfo names one; in ``[0, high)``
where the sample's were non-negative, so a probability stays one), integer and bool tensors as
recorded (indices stay in range).  A call whose OpInfo PyTorch does not gradcheck gets
``oracle: values``.  Calling the overload itself reaches the table entry whatever Python API
would spell it.

The first program makes the lead call (:func:`lead_call`: drawn from the seed among the
gradchecked calls that write the most arguments out); the others are the rest in an order drawn
from the seed.  Nothing here imports a framework: the programs are text, written in the campaign
process.
"""

from __future__ import annotations

import ast
import random
from collections.abc import Sequence
from typing import Any

from fuzzfox.generation.pattern_variants import header
from fuzzfox.program import Program, ProgramError, parse_program
from fuzzfox.whitebox.optimization import Optimization

ORIGIN = "opinfo"
# How far inside an op's input domain its inputs are drawn, as a share of the domain's width: at
# the ends the op or its derivative goes to infinity (erfinv' at 0.9996 is 483, and the rounding
# of erfinv's float32 result alone moves it by ~25 ulps), where no precision judges anything.
DOMAIN_MARGIN = 0.01
# PyTorch's own gradcheck skips (or expects to fail on) the OpInfo the call came from.
GRADIENTS_UNDEFINED = "# oracle: values"


def can_write(optimization: Optimization) -> bool:
    return bool((optimization.recipe or {}).get("calls"))


def op_sample_programs(optimization: Optimization, seed: int, count: int) -> list[Program]:
    """Up to ``count`` distinct programs, one recorded call each (the lead call first)."""
    calls: list[dict[str, Any]] = (optimization.recipe or {}).get("calls") or []
    rng = random.Random(seed)
    lead = calls.index(lead_call(calls, rng)) if calls else 0
    rest = [index for index in range(len(calls)) if index != lead]
    rng.shuffle(rest)
    written: dict[str, Program] = {}
    for index in [lead, *rest][: max(0, count)] if calls else []:
        program = _program(optimization, [calls[index]])
        if program is not None:
            written.setdefault(program.id, program)
    return list(written.values())


def bundled_programs(optimizations: Sequence[Optimization], seed: int) -> list[Program]:
    """The programs of a first visit of ``optimizations`` (its header's optimization the first):
    one that makes each distinct recorded call (:func:`visit_calls`) of each of them and returns
    their results together, and where it is judged with gradients, a second, judged on values
    only, that makes their distinct calls PyTorch does not gradcheck (:func:`unchecked_calls`).

    A campaign's first visits of decompositions and lowerings bundle so: a call compiles in a
    fraction of a program's fixed cost (the sandbox, Dynamo, the oracles' runs), and the trigger
    probe credits every table entry the program reached, so one program's judging reaches
    several.  The first program is judged with gradients where the first entry has a gradchecked
    call; the calls order is drawn from ``seed`` (each entry's lead call first).  The second
    program is why a call with gradients PyTorch does not check is made at all: ``round``'s
    calls with ``decimals=3`` and ``decimals=-3`` are such, its gradchecked ones have the
    defaults."""
    calls = [(o.recipe or {}).get("calls") or [] for o in optimizations]
    if not optimizations or not all(calls):
        return []
    rng = random.Random(seed)
    with_gradients = gradients_checked(optimizations[0])
    made = [call for optimization in optimizations for call in visit_calls(optimization, with_gradients, rng)]
    reached = [o.id for o in optimizations]
    unchecked = [call for optimization in optimizations for call in unchecked_calls(optimization)]
    programs = [_program(optimizations[0], made, reached)]
    if with_gradients and unchecked:
        programs.append(_program(optimizations[0], unchecked, reached))
    return [program for program in programs if program is not None]


def visit_calls(optimization: Optimization, with_gradients: bool, rng: random.Random) -> list[dict[str, Any]]:
    """The calls a first visit of a table entry makes: each distinct one of its recorded calls
    (:func:`distinct_calls`), only those PyTorch gradchecks where the program is judged
    ``with_gradients`` (all, where it checks none), the lead call (:func:`lead_call`) first.

    The entries' faults and bugs sit behind one argument value each (``decimals=-3``,
    ``reduction='sum'``, shifts that differ per dim, ``include_self=False``), and the recorded
    calls are chosen to cover such values (:mod:`~fuzzfox.targets.torch.op_samples`): one program
    per recorded call of the faulted op, judged under the fault-injection benchmark's round, roll,
    mse_loss backward, index_reduce and avg_pool faults, found each fault, 4 of them by a call
    other than the lead."""
    distinct = _visited_calls(optimization, with_gradients)
    if not distinct:
        return []
    lead = lead_call(distinct, rng)
    return [lead, *(call for call in distinct if call is not lead)]


def visit_call_count(optimization: Optimization, with_gradients: bool) -> int:
    """How many calls :func:`visit_calls` makes (whatever the lead)."""
    return len(_visited_calls(optimization, with_gradients))


def _visited_calls(optimization: Optimization, with_gradients: bool) -> list[dict[str, Any]]:
    recorded = (optimization.recipe or {}).get("calls") or []
    usable = [call for call in recorded if not (with_gradients and _not_gradchecked(call))] or list(recorded)
    return distinct_calls(usable)


def unchecked_calls(optimization: Optimization) -> list[dict[str, Any]]:
    """The distinct recorded calls of a table entry that PyTorch does not gradcheck, where it
    gradchecks others (the ones a visit judged with gradients leaves out), in recorded order."""
    recorded = (optimization.recipe or {}).get("calls") or []
    checked = {call_signature(call) for call in recorded if not _not_gradchecked(call)}
    if not checked:
        return []
    unchecked = distinct_calls([call for call in recorded if _not_gradchecked(call)])
    return [call for call in unchecked if call_signature(call) not in checked]


def distinct_calls(calls: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One call of each :func:`call_signature`, in recorded order: of those alike but for sizes,
    the first whose tensors hold elements (:func:`on_empty_tensor`)."""
    distinct: dict[tuple[str, ...], dict[str, Any]] = {}
    for call in calls:
        kept = distinct.get(call_signature(call))
        if kept is None or (on_empty_tensor(kept) and not on_empty_tensor(call)):
            distinct[call_signature(call)] = call
    return list(distinct.values())


def call_signature(call: dict[str, Any]) -> tuple[str, ...]:
    """A call's text and its inputs' dtypes: calls alike in these differ in sizes only."""
    return (call["call"], *(spec["dtype"] for spec in call["inputs"]))


def on_empty_tensor(call: dict[str, Any]) -> bool:
    """Whether a tensor argument of the call holds no element: such a call checks shapes, no value
    (an OpInfo often tries a call on an empty tensor first)."""
    return any(0 in spec["shape"] for spec in call["inputs"])


def gradients_checked(optimization: Optimization) -> bool:
    """Whether its lead call is judged with gradients too: some recorded call of it is one
    PyTorch gradchecks (7 of torch 2.13's 350 table entries with calls have none)."""
    return any(not _not_gradchecked(call) for call in (optimization.recipe or {}).get("calls") or [])


def lead_call(calls: Sequence[dict[str, Any]], rng: random.Random) -> dict[str, Any]:
    """The call a first visit makes: drawn from ``rng`` among those PyTorch gradchecks (all, where
    it checks none) that write the most arguments out.  Any call reaches the entry; one that sets
    ``beta=5.0`` or ``count_include_pad=False`` also takes a branch a call with the defaults never
    takes, and a first visit is most of what a decomposition sees in a campaign."""
    checked = [call for call in calls if not _not_gradchecked(call)] or list(calls)
    written = [len(_written_arguments(_parsed(call))) for call in checked]
    return rng.choice([call for call, count in zip(checked, written, strict=True) if count == max(written)])


def argument_values(call: dict[str, Any]) -> set[tuple[str, str]]:
    """What a recorded call chooses: its overload, each tensor argument's dtype, and each argument
    it writes out, by position or keyword, with its value."""
    tree = _parsed(call)
    values = {("overload", ast.unparse(tree.func))}
    values |= {(f"dtype {number}", spec["dtype"]) for number, spec in enumerate(call["inputs"])}
    return values | _written_arguments(tree)


def _written_arguments(tree: ast.Call) -> set[tuple[str, str]]:
    """The arguments a parsed call writes out (not its tensors), as (position or keyword, value)."""
    arguments = [(str(position), node) for position, node in enumerate(tree.args)]
    arguments += [(keyword.arg or "**", keyword.value) for keyword in tree.keywords]
    return {(name, ast.unparse(node)) for name, node in arguments if not _holds_a_tensor(node)}


def _holds_a_tensor(node: ast.AST) -> bool:
    """Whether an argument is, or lists, a tensor's place ``{0}`` (parsed as a one-element set)."""
    return any(isinstance(inner, ast.Set) for inner in ast.walk(node))


def _parsed(call: dict[str, Any]) -> ast.Call:
    """The recorded call's expression (``torch.ops.aten.lerp.Scalar({0}, {1}, 0.4)``)."""
    tree = ast.parse(call["call"], mode="eval").body
    assert isinstance(tree, ast.Call)
    return tree


def _not_gradchecked(call: dict[str, Any]) -> bool:
    return call.get("gradients", True) is False


def _program(
    optimization: Optimization, calls: list[dict[str, Any]], reached: list[str] | None = None
) -> Program | None:
    """A program making ``calls`` (one recipe each) on inputs of their own, ``x0, x1, ...`` in
    order; one call returns its result, several a tuple of them."""
    expressions: list[str] = []
    made: list[str] = []
    for call in calls:
        names = [f"x{number}" for number in range(len(made), len(made) + len(call["inputs"]))]
        try:
            expressions.append(call["call"].format(*names))
        except (IndexError, KeyError, ValueError):
            return None
        made += [_tensor(spec) for spec in call["inputs"]]
    ops = ", ".join(expression.split("(", 1)[0].removeprefix("torch.ops.") for expression in expressions)
    if len(calls) == 1:
        description = (
            f"{ops} called as an OpInfo sample of PyTorch's tests calls it, so that "
            f"{optimization.id} ({optimization.file}) handles it"
        )
    else:
        description = (
            f"{ops} called as OpInfo samples of PyTorch's tests call them, so that "
            f"{', '.join(reached or [optimization.id])} handle them"
        )
    returned = expressions[0] if len(expressions) == 1 else f"({', '.join(expressions)})"
    values_only = any(_not_gradchecked(call) for call in calls)
    lines = [
        *header(optimization.id, origin=ORIGIN),
        *([GRADIENTS_UNDEFINED] if values_only else []),
        f"# description: {description}",
        "import torch",
        "",
        "",
        f"def fn({', '.join(f'x{number}' for number in range(len(made)))}):",
        f"    return {returned}",
        "",
        "",
        "def make_inputs():",
        f"    return ({''.join(f'{m}, ' for m in made)})",
        "",
    ]
    try:
        return parse_program("\n".join(lines))
    except ProgramError:
        return None


def _tensor(spec: dict[str, Any]) -> str:
    """Source that makes a tensor to ``spec``: drawn if it is floating, as recorded otherwise."""
    shape = [int(size) for size in spec["shape"]]
    dtype = f"torch.{spec['dtype']}"
    if "values" in spec:
        values = spec["values"]
        if not shape:
            return f"torch.tensor({values[0]!r}, dtype={dtype})"
        return f"torch.tensor({values!r}, dtype={dtype}).reshape({', '.join(map(str, shape))})"
    sizes = ", ".join(map(str, shape)) if shape else "()"
    typed = "" if spec["dtype"] == "float32" else f", dtype={dtype}"
    if "low" in spec:  # the op's input domain, a hundredth of its width in from each end
        low, high = float(spec["low"]), float(spec["high"])
        margin = (high - low) * DOMAIN_MARGIN
        return f"torch.empty({sizes}{typed}).uniform_({low + margin!r}, {high - margin!r})"
    if "high" in spec:
        high = float(spec["high"])
        return f"torch.rand({sizes}{typed})" + ("" if high == 1.0 else f" * {high!r}")
    return f"torch.randn({sizes}{typed})"
