"""Op-graph synthesis for the array targets (jax-xla, tf-xla): well-typed random programs, no LLM.

The counterpart of :mod:`fuzzfox.generation.synth` (torch) over the registry of
:mod:`fuzzfox.generation.ops.array`.  A graph is a chain of ops over small float arrays, with
some ops taking an earlier value or a new input as a partner (binary ops, matmul, joins).  Every
kind of op has a shape rule here and every value carries what is known of its values (the
domains it lies in, whether it may be large), so the graph is shape-checked as it is drawn and an
op that needs a domain (``log``: positive) gets its argument taken there smoothly first
(``v * v + 0.5``, ``tanh(v) * 0.8``).  Inputs are drawn in the domain of the op that reads them.

Programs are differentiable with respect to their float inputs: every op on the way to the
output is differentiable, and an op with a zero derivative (``sign``, ``floor``, a cast to int,
``stop_gradient``) enters as ``v * op(v)``.

Target-aware: given a rule or gradient id (``lax.sort.jvp``, ``math_grad.Cumsum``) that the
registry maps to ops, every program contains one of those ops on the path from an input to the
output, its header naming the rule; for any other id (or none) the programs explore the whole
registry and their header says ``optimization: explore``.

Like :mod:`fuzzfox.generation.synth`, :func:`array_graphs` is a hypothesis strategy and
:func:`synthesize` draws from a seed through hypothesis's public API.  Nothing here imports a
framework.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

from hypothesis import strategies as st

from fuzzfox.generation.ops import array as ops
from fuzzfox.generation.ops.array import ArrayOp
from fuzzfox.generation.synth import broadcast_shapes, draw_programs
from fuzzfox.program import EXPLORE, Program, parse_program

Shape = tuple[int, ...]
Draw = st.DrawFn

MIN_OPS, MAX_OPS = 2, 6
MAX_AROUND = 2  # ops drawn before and after the aimed op
MAX_INPUTS = 4
MAX_RANK = 4
MAX_ELEMENTS = 512
MAX_OUTPUTS = 2
DTYPES = ("float32", "float32", "float32", "float64")
SCALARS = ("2.0", "0.5", "1.5", "-1.0", "3.0", "-0.75", "0.25")
POSITIVE_SCALARS = ("2.0", "0.5", "1.5", "3.0", "0.75")
ROUND_STRIDE = 1_000_003
MAX_ROUNDS = 8

# Ops whose result may be far larger than their argument: their argument is squashed first if
# it may already be large, so chains stay finite.
EXPLODING = frozenset(
    {"exp", "exp2", "expm1", "sinh", "cosh", "power", "integer_pow", "cumprod", "prod", "reciprocal"}
    | {"rsqrt", "hypot", "cholesky_gram", "gram", "batch_gram", "matmul", "batch_matmul", "einsum", "tile"}
)
# Ops whose result is bounded whatever the argument.
BOUNDED = frozenset(
    {"sin", "cos", "tanh", "arctan", "sigmoid", "erf", "erfc", "softsign", "softmax", "clip", "clamp"}
    | {"sign", "i0e", "i1e", "arctan2", "complex_angle", "relu6", "cond"}
)
# Ops that leave the values as they are (moved, repeated or selected): domains carry over.
VALUE_KEEPING = frozenset(
    {"transpose", "reshape", "expand_dims", "squeeze", "tile", "slice", "broadcast_to", "take", "flip"}
    | {"roll", "sort", "top_k", "max", "min", "cummax", "cummin", "max_pool", "cast_round_trip"}
    | {"roll_traced", "min_pool", "pad_mode", "mirror_pad"}
)

MIRRORING_PADS = frozenset({"pad_mode", "mirror_pad"})


@dataclasses.dataclass(frozen=True)
class Value:
    """An array the function has computed (or an input): a name and what the rules know of it."""

    name: str
    shape: Shape
    dtype: str
    domains: frozenset[str] = frozenset({ops.REAL})
    grad: bool = True  # depends differentiably on a float input
    big: bool = False  # may be large in magnitude (exp of something unbounded...)

    @property
    def rank(self) -> int:
        return len(self.shape)


@dataclasses.dataclass(frozen=True)
class Input:
    value: Value
    draw: str  # numpy source making it


class Graph:
    """The function being drawn: its inputs, lines and values."""

    def __init__(self, target: str, dtype: str) -> None:
        self.target = target
        self.dtype = dtype
        self.inputs: list[Input] = []
        self.lines: list[str] = []
        self.values: list[Value] = []
        self.used: set[str] = set()
        self.counters: dict[str, int] = {}

    @property
    def jax(self) -> bool:
        return self.target == ops.JAX

    def fresh(self, prefix: str) -> str:
        number = self.counters.get(prefix, 0)
        self.counters[prefix] = number + 1
        return f"{prefix}{number}"

    def can_add_input(self) -> bool:
        return len(self.inputs) < MAX_INPUTS

    def add_input(self, shape: Shape, domain: str = ops.REAL) -> Value:
        value = Value(self.fresh("x"), shape, self.dtype, ops.IMPLIES[domain])
        draw = ops.INPUT_DRAWS[self.target][domain].format(shape=_tuple(shape))
        self.inputs.append(Input(value, f"({draw}).astype(np.{self.dtype})"))
        self.values.append(value)
        return value

    def add_index_input(self, bound: int, count: int) -> str:
        return self.add_int_input(0, bound, (count,))

    def add_int_input(self, low: int, high: int, shape: Shape) -> str:
        """An int32 input drawn in [low, high): indices, or a shift the compiled function traces."""
        name = self.fresh("i")
        if self.jax:
            draw = f"np.random.randint({low}, {high}, size={_tuple(shape)}).astype(np.int32)"
        else:
            draw = f"rng.integers({low}, {high}, {_tuple(shape)}).astype(np.int32)"
        value = Value(name, shape, "int32", frozenset(), grad=False)
        self.inputs.append(Input(value, draw))
        return name

    def emit(
        self,
        expression: str,
        shape: Shape,
        uses: Sequence[Value],
        domains: frozenset[str] = frozenset({ops.REAL}),
        grad: bool | None = None,
        big: bool | None = None,
    ) -> Value:
        value = Value(
            self.fresh("v"),
            shape,
            self.dtype,
            domains | {ops.REAL},
            any(u.grad for u in uses) if grad is None else grad,
            any(u.big for u in uses) if big is None else big,
        )
        self.lines.append(f"{value.name} = {expression}")
        self.used.update(u.name for u in uses)
        self.values.append(value)
        return value

    def snapshot(self) -> tuple:
        return list(self.inputs), list(self.lines), list(self.values), set(self.used), dict(self.counters)

    def restore(self, snapshot: tuple) -> None:
        self.inputs, self.lines, self.values, self.used, self.counters = snapshot

    def outputs(self) -> list[Value]:
        """The last value, then other differentiable values nothing consumed (the DAG's dead ends)."""
        last = self.values[-1]
        inputs = {i.value.name for i in self.inputs}
        dangling = [
            v for v in self.values[:-1] if v.name not in self.used and v.name not in inputs and v.grad
        ]
        return [last, *dangling][:MAX_OUTPUTS]

    def render(self, optimization: str, seed: int) -> str:
        if self.jax:
            imports = [
                "import jax",
                "import jax.numpy as jnp",
                "import numpy as np",
                "from jax import lax",
                "from jax.scipy import special",
            ]
        else:
            imports = ["import numpy as np", "import tensorflow as tf"]
        parameters = ", ".join(i.value.name for i in self.inputs)
        outputs = ", ".join(v.name for v in self.outputs())
        lines = [
            f"# target: {self.target}",
            f"# optimization: {optimization}",
            "# origin: synth",
            "# parent: -",
            *imports,
            "",
            "",
            f"def fn({parameters}):",
            *(f"    {line}" for line in self.lines),
            f"    return {outputs}",
            "",
            "",
            "def make_inputs():",
        ]
        if not self.jax:
            lines.append(f"    rng = np.random.default_rng({seed})")
        lines += [f"    {i.value.name} = {i.draw}" for i in self.inputs]
        names = ", ".join(i.value.name for i in self.inputs)
        lines += [f"    return ({names}{',' if len(self.inputs) == 1 else ''})", ""]
        return "\n".join(lines)


# ------------------------------------------------------------------------------ the strategy


@st.composite
def array_graphs(draw: Draw, target: str, optimization: str | None = None) -> Program:
    """A hypothesis strategy of synthesized ``target`` programs (``origin: synth``, ``parent: -``)."""
    if target not in ops.TARGETS:
        raise ValueError(f"no array synthesis for target {target!r}")
    aimed = ops.ops_reaching(target, optimization) if optimization else []
    if aimed:
        op = draw(st.sampled_from(aimed))
        graph = Graph(target, draw(st.sampled_from([d for d in DTYPES if d in op.dtypes])))
        _aimed_graph(draw, graph, op)
        header = optimization
    else:
        graph = Graph(target, draw(st.sampled_from(DTYPES)))
        _explore_graph(draw, graph)
        header = EXPLORE
    return parse_program(graph.render(header or EXPLORE, draw(st.integers(0, 999))))


def _explore_graph(draw: Draw, graph: Graph) -> None:
    graph.add_input(draw(_input_shapes()), draw(st.sampled_from((ops.REAL,) * 3 + (ops.POSITIVE,))))
    for _ in range(draw(st.integers(MIN_OPS, MAX_OPS))):
        branch = draw(st.integers(0, 3)) == 3
        candidates = [v for v in graph.values if v.grad and v.dtype != "int32"]
        source = draw(st.sampled_from(candidates)) if branch else _last_differentiable(graph)
        usable = [op for op in ops.ops_for(graph.target) if applies(op, graph, source)]
        op = draw(st.sampled_from(usable))
        _build_within_limits(draw, graph, op, source)
    _finish(graph)


def _aimed_graph(draw: Draw, graph: Graph, op: ArrayOp) -> None:
    """Shape-keeping ops, the aimed op on the chain, then a few ops of any kind after it."""
    source = graph.add_input(draw(_shapes_for(op)), draw(st.sampled_from(_input_domains(op))))
    for _ in range(draw(st.integers(0, MAX_AROUND))):
        keeping = [
            o
            for o in ops.ops_for(graph.target, (ops.ELEMENTWISE, ops.AXISWISE))
            if o.differentiable and _keeps_shape(o) and applies(o, graph, source)
        ]
        _build_within_limits(draw, graph, draw(st.sampled_from(keeping)), source)
        source = _last_differentiable(graph)
    apply(draw, graph, op, source)
    for _ in range(draw(st.integers(0, MAX_AROUND))):
        source = _last_differentiable(graph)
        usable = [o for o in ops.ops_for(graph.target) if o.differentiable and applies(o, graph, source)]
        _build_within_limits(draw, graph, draw(st.sampled_from(usable)), source)
    _finish(graph)


def _keeps_shape(op: ArrayOp) -> bool:
    return op.kind == ops.AXISWISE or (op.kind == ops.ELEMENTWISE and not op.name.startswith("scatter_"))


def _last_differentiable(graph: Graph) -> Value:
    return next(v for v in reversed(graph.values) if v.grad)


def _finish(graph: Graph) -> None:
    """Make sure the last value depends differentiably on an input (it always does by construction)."""
    last = graph.values[-1]
    if not last.grad:
        source = _last_differentiable(graph)
        if (shape := broadcast_shapes(last.shape, source.shape)) is not None:
            graph.emit(f"{last.name} + {source.name}", shape, [last, source])


def _build_within_limits(draw: Draw, graph: Graph, op: ArrayOp, source: Value) -> None:
    """Build ``op``; if what it made is too big, undo it and apply a bounded unary op instead."""
    before = graph.snapshot()
    count = len(graph.values)
    apply(draw, graph, op, source)
    if all(_fits(v.shape) for v in graph.values[count:]):
        return
    graph.restore(before)
    apply(draw, graph, ops.BY_NAME["tanh"], source)


@st.composite
def _input_shapes(draw: Draw, min_rank: int = 1, max_rank: int = 3) -> Shape:
    rank = draw(st.integers(min_rank, max_rank))
    largest = {1: 12, 2: 8, 3: 6, 4: 4}[rank]
    return tuple(draw(st.integers(1, largest)) for _ in range(rank))


@st.composite
def _shapes_for(draw: Draw, op: ArrayOp) -> Shape:
    """An input shape the aimed op applies to (rank, and sizes its kind needs)."""
    if op.kind == ops.CONV:
        return (draw(st.integers(1, 2)), *(draw(st.integers(3, 6)) for _ in range(3)))
    if op.kind == ops.SOLVE:
        return (draw(st.integers(2, 5)), draw(st.integers(1, 4)))
    low = max(1, op.min_rank)
    shape = list(draw(_input_shapes(low, max(low, op.exact_rank or 3))))
    if op.kind in (ops.SLICE, ops.TOP_K, ops.PICK) or op.name in ("var", "std"):
        shape[-1] = max(2, shape[-1])
    if op.kind == ops.SQUEEZE:
        shape[draw(st.integers(0, len(shape) - 1))] = 1
    return tuple(shape)


def _input_domains(op: ArrayOp) -> tuple[str, ...]:
    """The domain of the aimed op's first argument, sometimes plain real (then it gets adapted)."""
    first = op.domains[0]
    return (first, first, ops.REAL) if first not in (ops.REAL, ops.MATRIX) else (ops.REAL,)


# ------------------------------------------------------------------------------ applying an op


def applies(op: ArrayOp, graph: Graph, a: Value) -> bool:
    """Whether ``op`` has a shape rule that takes ``a`` (domains are adapted, not required)."""
    if not op.supports(graph.target) or a.rank < op.min_rank or a.dtype not in op.dtypes:
        return False
    if a.rank == 0 and op.kind not in (ops.ELEMENTWISE, ops.BINARY, ops.EXPAND, ops.BROADCAST, ops.RESHAPE):
        return False
    if op.exact_rank is not None and a.rank != op.exact_rank:
        return False
    if op.kind in (ops.SLICE, ops.TOP_K) and a.shape[-1] < 2:
        return False
    if op.name in ("var", "std") and math.prod(a.shape) < 2:
        return False
    if op.kind == ops.SQUEEZE:
        return 1 in a.shape
    if op.kind in (ops.MATMUL, ops.GRAM):
        return a.rank >= 2
    if op.kind == ops.CONV:
        return a.rank == 4 and min(a.shape[1:]) >= 1
    if op.kind in (ops.EXPAND, ops.BROADCAST, ops.TILE) or op.name == "stack":
        return a.rank < MAX_RANK
    return True


def apply(draw: Draw, graph: Graph, op: ArrayOp, a: Value) -> None:
    """Emit ``op`` on ``a`` (and partners it draws); a zero-derivative op enters as ``a * op(a)``."""
    x = _in_domain(draw, graph, op.domains[0], a, op.name in EXPLODING)
    arguments, shape, uses = _arguments(draw, graph, op, x)
    for param in op.params:
        arguments.setdefault(param.name, draw(st.sampled_from(param.values)))
    expression = op.render(graph.target, arguments)
    if op.kind == ops.ELEMENTWISE and op.name == "clip" and float(arguments["lo"]) >= float(arguments["hi"]):
        arguments["lo"], arguments["hi"] = arguments["hi"], arguments["lo"]
        expression = op.render(graph.target, arguments)
    domains = _result_domains(op, uses)
    big = (op.name in EXPLODING or any(u.big for u in uses)) and op.name not in BOUNDED
    grad = op.differentiable and any(u.grad for u in uses)
    result = graph.emit(expression, shape, uses, domains, grad, big)
    if not op.differentiable and a.grad:
        combined = broadcast_shapes(result.shape, x.shape)
        assert combined is not None
        graph.emit(f"{x.name} * {result.name}", combined, [x, result], frozenset(), True, x.big)


def _result_domains(op: ArrayOp, uses: Sequence[Value]) -> frozenset[str]:
    if op.name in VALUE_KEEPING:
        return uses[0].domains - {ops.MATRIX}
    return ops.IMPLIES[op.output] - {ops.MATRIX}


def _in_domain(draw: Draw, graph: Graph, domain: str, a: Value, exploding: bool) -> Value:
    """``a`` itself when it is known to lie in ``domain`` (and is moderate if it must be), else a
    smooth map of it into the domain, emitted as its own value."""
    if exploding and a.big:
        a = graph.emit(
            ops.adapt(graph.target, ops.UNIT, a.name), a.shape, [a], ops.IMPLIES[ops.UNIT], big=False
        )
    if domain in a.domains or domain == ops.MATRIX:
        return a
    return graph.emit(ops.adapt(graph.target, domain, a.name), a.shape, [a], ops.IMPLIES[domain])


def _sequence(graph: Graph, items: Sequence[object]) -> str:
    """A tuple for jax (``(1, 0)``), a list for tf (``[1, 0]``)."""
    if graph.jax:
        return "(" + ", ".join(map(str, items)) + ("," if len(items) == 1 else "") + ")"
    return "[" + ", ".join(map(str, items)) + "]"


def _arguments(draw: Draw, graph: Graph, op: ArrayOp, a: Value) -> tuple[dict[str, str], Shape, list[Value]]:
    """The template arguments of ``op`` on ``a``, the result's shape and the values it uses."""
    kind = op.kind
    arguments: dict[str, str] = {"x": a.name}
    uses = [a]
    shape = a.shape
    if kind == ops.BINARY:
        b = _binary_partner(draw, graph, op, a)
        if isinstance(b, str):
            arguments["y"] = b
        else:
            arguments["y"] = b.name
            uses.append(b)
            shape = broadcast_shapes(a.shape, b.shape)  # type: ignore[assignment]
    elif kind == ops.REDUCE:
        axes, keep = _reduction_axes(draw, graph, op, a)
        arguments["axis"] = axes
        arguments["keepdims"] = keep
        shape = _reduced_shape(a.shape, axes, keep == "True")
    elif kind == ops.AXISWISE:
        axis = draw(st.integers(-a.rank if op.negative_axis else 0, a.rank - 1))
        arguments["axis"] = str(axis)
        if op.takes_input_shift(graph.target):
            size = a.shape[axis]
            arguments["offset"] = graph.add_int_input(-2 * size - 1, 2 * size + 2, ())
        if "window" in op.placeholders(graph.target):
            window = [1] * a.rank
            window[axis] = draw(st.integers(1, max(1, min(3, a.shape[axis]))))
            arguments["window"] = _sequence(graph, window)
            arguments["strides"] = _sequence(graph, [1] * a.rank)
    elif kind == ops.TOP_K:
        k = draw(st.integers(1, a.shape[-1]))
        arguments["k"] = str(k)
        shape = (*a.shape[:-1], k)
    elif kind == ops.PICK:
        arguments["n"] = str(a.shape[-1])
        shape = a.shape[:-1]
    elif kind == ops.MATMUL:
        n = draw(st.integers(1, 6))
        b = graph.add_input((a.shape[-1], n), draw(st.sampled_from(op.domains[1:])))
        arguments["y"] = b.name
        uses.append(b)
        shape = (*a.shape[:-1], n)
    elif kind == ops.GRAM:
        arguments["m"] = str(a.shape[-2])
        shape = (*a.shape[:-1], a.shape[-2])
    elif kind == ops.SOLVE:
        n = a.shape[0]
        entries = graph.add_input((n, n))
        matrix = graph.emit(ops.adapt(graph.target, ops.MATRIX, entries.name, n), (n, n), [entries])
        arguments["y"] = matrix.name
        uses.append(matrix)
    elif kind == ops.CONV:
        arguments, shape, uses = _conv(draw, graph, op, a)
    elif kind == ops.TRANSPOSE:
        order = list(draw(st.permutations(range(a.rank))))
        if order == sorted(order):
            order = order[::-1]
        arguments["perm"] = _sequence(graph, order)
        shape = tuple(a.shape[i] for i in order)
    elif kind == ops.RESHAPE:
        shape = draw(st.sampled_from(_reshape_targets(a.shape)))
        sizes: list[int] = list(shape)
        if sizes and draw(st.booleans()):
            sizes[draw(st.integers(0, len(sizes) - 1))] = -1
        arguments["shape"] = _sequence(graph, sizes)
    elif kind == ops.EXPAND:
        axis = draw(st.integers(-(a.rank + 1), a.rank))
        arguments["axis"] = str(axis)
        position = axis % (a.rank + 1)
        shape = (*a.shape[:position], 1, *a.shape[position:])
    elif kind == ops.SQUEEZE:
        axis = draw(st.sampled_from([i for i, size in enumerate(a.shape) if size == 1]))
        arguments["axis"] = str(axis - a.rank if draw(st.booleans()) else axis)
        shape = tuple(size for i, size in enumerate(a.shape) if i != axis)
    elif kind == ops.TILE:
        reps = [draw(st.integers(1, 2)) for _ in a.shape]
        arguments["reps"] = _sequence(graph, reps)
        shape = tuple(size * rep for size, rep in zip(a.shape, reps, strict=True))
    elif kind == ops.PAD:
        # The mirroring modes pad an axis by at most its size - 1 (TF's REFLECT requires it).
        limits = [min(2, size - 1) if op.name in MIRRORING_PADS else 2 for size in a.shape]
        widths = [(draw(st.integers(0, limit)), draw(st.integers(0, limit))) for limit in limits]
        arguments["widths"] = _sequence(graph, [_sequence(graph, w) for w in widths])
        shape = tuple(size + low + high for size, (low, high) in zip(a.shape, widths, strict=True))
    elif kind == ops.SLICE:
        shape = (*a.shape[:-1], a.shape[-1] - 1)
    elif kind == ops.BROADCAST:
        shape = (2, *a.shape)
        arguments["shape"] = _sequence(graph, shape)
    elif kind == ops.JOIN:
        arguments, shape, uses = _join(draw, graph, op, a)
    elif kind == ops.GATHER:
        axis = draw(st.integers(-a.rank, a.rank - 1))
        count = draw(st.integers(1, 6))
        arguments["axis"] = str(axis)
        arguments["index"] = graph.add_index_input(a.shape[axis], count)
        shape = tuple(count if i == axis % a.rank else size for i, size in enumerate(a.shape))
    return arguments, shape, uses


def _binary_partner(draw: Draw, graph: Graph, op: ArrayOp, a: Value) -> Value | str:
    """An earlier value that broadcasts with ``a``, a new input shaped to broadcast, or a scalar."""
    domain = op.domains[1]
    operator = (op.template(graph.target) or "").startswith("{x} ")
    kinds = ["value", "input"] + (["scalar"] if operator or (graph.jax and "complex" not in op.name) else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        return draw(st.sampled_from(SCALARS if domain == ops.REAL else POSITIVE_SCALARS))
    if kind == "value" or not graph.can_add_input():
        partners = [v for v in graph.values if v.dtype == a.dtype and _partners(op, a.shape, v.shape)]
        partner = draw(st.sampled_from(partners))  # a itself always qualifies
        return _in_domain(draw, graph, domain, partner, op.name in EXPLODING)
    return graph.add_input(draw(_broadcastable_shapes(a.shape)) if op.broadcasts else a.shape, domain)


def _partners(op: ArrayOp, first: Shape, second: Shape) -> bool:
    return broadcast_shapes(first, second) is not None if op.broadcasts else first == second


@st.composite
def _broadcastable_shapes(draw: Draw, shape: Shape) -> Shape:
    """A suffix of ``shape`` with some dims set to 1 (at least rank 1)."""
    dropped = draw(st.integers(0, max(0, len(shape) - 1)))
    return tuple(1 if draw(st.booleans()) else size for size in shape[dropped:]) or (1,)


def _reduction_axes(draw: Draw, graph: Graph, op: ArrayOp, a: Value) -> tuple[str, str]:
    """An axis argument (``None``, an int, or several for many-axis ops) and keepdims."""
    keep = draw(st.sampled_from(("False", "True")))
    choices: list[str] = []
    for axis in range(-a.rank, a.rank):
        choices.append(str(axis))
    if op.axis == ops.MANY_AXES:
        choices.append("None")
        if a.rank >= 2:
            axes = sorted(
                draw(st.lists(st.integers(0, a.rank - 1), min_size=2, max_size=a.rank, unique=True))
            )
            choices.append(_sequence(graph, axes))
    if op.name in ("var", "std"):
        choices = [c for c in choices if _reduced_count(a.shape, c) >= 2] or ["None"]
    if op.name == "prod":
        choices = [c for c in choices if _reduced_count(a.shape, c) <= 24] or ["-1"]
    if not choices:
        choices = ["None"]
    return draw(st.sampled_from(choices)), keep


def _axes_of(shape: Shape, axes: str) -> list[int]:
    if axes == "None":
        return list(range(len(shape)))
    text = axes.strip("()[]").rstrip(",")
    return sorted({int(part) % len(shape) for part in text.split(",") if part.strip()})


def _reduced_count(shape: Shape, axes: str) -> int:
    return math.prod(shape[i] for i in _axes_of(shape, axes)) if shape else 1


def _reduced_shape(shape: Shape, axes: str, keep: bool) -> Shape:
    removed = set(_axes_of(shape, axes))
    return tuple(1 if i in removed else size for i, size in enumerate(shape) if keep or i not in removed)


def _conv(draw: Draw, graph: Graph, op: ArrayOp, a: Value) -> tuple[dict[str, str], Shape, list[Value]]:
    """A 2-d convolution: NCHW with an OIHW kernel for jax, NHWC with an HWIO kernel for tf."""
    if graph.jax:
        batch, channels, height, width = a.shape
    else:
        batch, height, width, channels = a.shape
    out = draw(st.integers(1, 4))
    kh, kw = draw(st.integers(1, min(3, height))), draw(st.integers(1, min(3, width)))
    stride = draw(st.sampled_from((1, 1, 2)))
    padding = draw(st.sampled_from(("'SAME'", "'VALID'")))
    if padding == "'SAME'":
        oh, ow = -(-height // stride), -(-width // stride)
    else:
        oh, ow = (height - kh) // stride + 1, (width - kw) // stride + 1
    if graph.jax:
        kernel = graph.add_input((out, channels, kh, kw))
        shape: Shape = (batch, out, oh, ow)
        strides = _sequence(graph, (stride, stride))
    else:
        kernel = graph.add_input((kh, kw, channels, out))
        shape = (batch, oh, ow, out)
        strides = str(stride)
    arguments = {"x": a.name, "y": kernel.name, "strides": strides, "padding": padding}
    return arguments, shape, [a, kernel]


def _join(draw: Draw, graph: Graph, op: ArrayOp, a: Value) -> tuple[dict[str, str], Shape, list[Value]]:
    """concatenate along an existing axis, or stack along a new one, with a same-shaped partner."""
    stack = op.name == "stack"
    axis = draw(st.integers(-(a.rank + 1), a.rank)) if stack else draw(st.integers(-a.rank, a.rank - 1))
    same = [v for v in graph.values if v.shape == a.shape and v.dtype == a.dtype]
    if graph.can_add_input() and draw(st.booleans()):
        shape = list(a.shape)
        if not stack:
            shape[axis] = draw(st.integers(1, 4))
        b = graph.add_input(tuple(shape))
    else:
        b = draw(st.sampled_from(same))
    if stack:
        position = axis % (a.rank + 1)
        result: Shape = (*a.shape[:position], 2, *a.shape[position:])
    else:
        result = tuple(size + b.shape[i] if i == axis % a.rank else size for i, size in enumerate(a.shape))
    return {"x": a.name, "y": b.name, "axis": str(axis)}, result, [a, b]


def _reshape_targets(shape: Shape) -> list[Shape]:
    targets: list[Shape] = [(math.prod(shape),)]
    for i in range(len(shape) - 1):
        targets.append((*shape[:i], shape[i] * shape[i + 1], *shape[i + 2 :]))
    if len(shape) < MAX_RANK:
        for i, size in enumerate(shape):
            factor = next((f for f in range(2, size) if size % f == 0), None)
            if factor is not None:
                targets.append((*shape[:i], factor, size // factor, *shape[i + 1 :]))
    return [t for t in dict.fromkeys(targets) if t and t != shape] or [(1, *shape)]


def _tuple(shape: Shape) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _fits(shape: Shape) -> bool:
    return len(shape) <= MAX_RANK and math.prod(shape) <= MAX_ELEMENTS


# ------------------------------------------------------------------------------ the entry point


def synthesize(target: str, seed: int, count: int, optimization: str | None = None) -> list[Program]:
    """``count`` distinct ``target`` programs drawn deterministically from ``seed``.

    Aimed at ``optimization`` when the registry has an op reaching it (the header names it),
    else exploring (header ``optimization: explore``).  Fewer than ``count`` only if hypothesis
    keeps drawing duplicates.
    """
    found: dict[str, Program] = {}
    for round_number in range(MAX_ROUNDS):
        missing = count - len(found)
        if missing <= 0:
            break
        drawn = _draw_programs(target, seed + round_number * ROUND_STRIDE, missing + 1, optimization)
        for program in drawn[1:]:  # the first example of every run is hypothesis's simplest
            found.setdefault(program.id, program)
    return list(found.values())[:count]


def aimed(target: str, optimization: str | None) -> bool:
    """Whether :func:`synthesize` can aim at ``optimization`` for ``target``."""
    return bool(optimization) and bool(ops.ops_reaching(target, optimization or ""))


def _draw_programs(target: str, seed: int, examples: int, optimization: str | None) -> list[Program]:
    return draw_programs(array_graphs(target, optimization), seed, examples)
