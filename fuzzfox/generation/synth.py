"""Op-graph synthesis: well-typed random programs drawn by hypothesis, with no LLM at all.

A graph is a chain of 2-8 torch ops over small tensors, and a DAG where an op takes an earlier
value as a partner (binary ops, matmul, cat, stack, where).  Every op has a shape rule here, so
the graph is shape-checked as it is drawn: the program runs by construction, and one that does
not is a bug in a rule.  The graph renders to a test program (a ``Model`` whose ``__init__``
holds the layers and parameters, a ``forward``, a ``make_inputs``), mostly float32 inference,
sometimes another dtype or training mode.

The op builders (:data:`OPS`) stay here, not in the op registry (:mod:`fuzzfox.generation.ops.torch`):
each is a hypothesis strategy over the graph being drawn with its own shape rule, and many write
several ops (a linear layer as ``nn.Linear``, a matmul with a weight, ``F.linear`` or ``addmm``).
The names and spellings of the ops they draw among are the registry's.

:func:`op_graphs` is a hypothesis strategy, so a test can use it with ``@given`` and get failing
graphs shrunk; :func:`synthesize` draws programs from a seed through hypothesis's public API only.
Nothing here imports a framework: it runs in the campaign process.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from fuzzfox.generation.mutate import DATA_DEPENDENT, LAYOUT_4D, LAYOUTS_2D
from fuzzfox.generation.ops import torch as torch_ops
from fuzzfox.generation.ops.torch.dtypes import DTYPE_CAST_METHOD, FLOAT_DTYPES
from fuzzfox.generation.ops.torch.op import BINARY, REAL, SOFTMAX, UNARY, TorchOp
from fuzzfox.generation.synth_aim import Aim
from fuzzfox.program import Program, parse_program

Shape = tuple[int, ...]

MIN_OPS, MAX_OPS = 2, 8
MAX_INPUTS = 4
MAX_RANK = 5
MAX_ELEMENTS = 100_000
MAX_LAYER_WIDTH = 1024
MAX_OUTPUTS = 3
TARGET = "torch-inductor"
# Sampled with repetition: float32 inference is the common case, the rest are there to be reached.
DTYPES = ("float32", "float32", "float32", "float32", "bfloat16", "float16", "float64")
MODES = ("inference", "inference", "inference", "training")
# The unary ops drawn: those finite on all of the reals.
UNARY_OPS = tuple(op for op in torch_ops.family(UNARY) if op.domain == REAL)
# The softmax ops drawn: those with every spelling (the spelling is drawn apart from the op).
SOFTMAX_OPS = tuple(op for op in torch_ops.family(SOFTMAX) if op.forms == "tfm")
SCALARS = ("2.0", "0.5", "1.5", "-1.0", "0.25", "3.0", "-0.75", "1e-3", "10.0")
CLAMP_BOUNDS = ("-1.0", "-0.5", "0.0", "0.25", "0.5", "1.0", "2.0")
# The reductions drawn, in draw order (not the registry's: mutation's swaps have their own), and
# those drawn over the whole tensor too.
DRAWN_REDUCTIONS = ("sum", "mean", "amax", "amin", "var", "std", "prod", "logsumexp")
WHOLE_TENSOR_REDUCTIONS = frozenset({"sum", "mean", "amax", "amin", "prod"})
# Tickets an aimed family gets per ticket of its own weight (see :mod:`~fuzzfox.generation.synth_aim`).
AIM_TICKETS = 6
# Seed for synthesize's later rounds, when hypothesis drew duplicates.
ROUND_STRIDE = 1_000_003
MAX_ROUNDS = 8


@dataclasses.dataclass(frozen=True)
class Value:
    """A tensor the forward has computed (or an input): a name and what the shape rules know."""

    name: str
    shape: Shape
    dtype: str
    contiguous: bool = True  # False once a permute/transpose/split may have left it strided
    positive: bool = False  # inputs and parameters drawn from rand() + 0.5 (denominators)
    layout: str = ""  # an input's memory layout: a template over its constructor ``E`` ("" = dense)

    @property
    def rank(self) -> int:
        return len(self.shape)


class Graph:
    """The program being drawn: its inputs, ``__init__`` lines, ``forward`` lines and values."""

    def __init__(self, dtype: str, mode: str, aim: Aim | None = None) -> None:
        self.dtype = dtype
        self.mode = mode
        self.aim = aim
        self.inputs: list[Value] = []
        self.init_lines: list[str] = []
        self.forward_lines: list[str] = []
        self.values: list[Value] = []
        self.used: set[str] = set()
        self.counters: dict[str, int] = {}
        self.has_batch_norm = False

    def fresh(self, prefix: str) -> str:
        number = self.counters.get(prefix, 0)
        self.counters[prefix] = number + 1
        return f"{prefix}{number}"

    def can_add_input(self) -> bool:
        return len(self.inputs) < MAX_INPUTS

    def add_input(
        self, shape: Shape, dtype: str | None = None, positive: bool = False, layout: str = ""
    ) -> Value:
        value = Value(self.fresh("x"), shape, dtype or self.dtype, not layout, positive, layout)
        self.inputs.append(value)
        self.values.append(value)
        return value

    def add_layer(self, prefix: str, constructor: str) -> str:
        name = self.fresh(prefix)
        self.init_lines.append(f"self.{name} = {constructor}")
        return f"self.{name}"

    def add_parameter(self, shape: Shape, positive: bool = False) -> Value:
        init = f"torch.rand({_sizes(shape)}) + 0.5" if positive else f"torch.randn({_sizes(shape)}) * 0.1"
        name = self.add_layer("p", f"torch.nn.Parameter({init})")
        return Value(name, shape, self.dtype, positive=positive)

    def emit(
        self, expression: str, shape: Shape, dtype: str, uses: Sequence[Value], contiguous: bool
    ) -> Value:
        value = Value(self.fresh("v"), shape, dtype, contiguous and all(u.contiguous for u in uses))
        self.forward_lines.append(f"{value.name} = {expression}")
        self._use(uses, [value])
        return value

    def emit_pieces(
        self, expression: str, shapes: list[Shape], dtype: str, uses: Sequence[Value], contiguous: bool
    ) -> None:
        pieces = [
            Value(self.fresh("v"), s, dtype, contiguous and all(u.contiguous for u in uses)) for s in shapes
        ]
        self.forward_lines.append(f"{', '.join(p.name for p in pieces)} = {expression}")
        self._use(uses, pieces)

    def _use(self, uses: Sequence[Value], made: list[Value]) -> None:
        self.used.update(u.name for u in uses)
        self.values.extend(made)

    def snapshot(self) -> tuple:
        return (
            list(self.inputs), list(self.init_lines), list(self.forward_lines), list(self.values),
            set(self.used), dict(self.counters), self.has_batch_norm,
        )  # fmt: skip

    def restore(self, snapshot: tuple) -> None:
        (
            self.inputs, self.init_lines, self.forward_lines, self.values,
            self.used, self.counters, self.has_batch_norm,
        ) = snapshot  # fmt: skip

    def outputs(self) -> list[Value]:
        """The last value, then the other values nothing consumed (dead ends of the DAG)."""
        last = self.values[-1]
        inputs = {i.name for i in self.inputs}
        dangling = [v for v in self.values[:-1] if v.name not in self.used and v.name not in inputs]
        return [last, *dangling][:MAX_OUTPUTS]

    def render(self, optimization: str, init_tail: list[str]) -> str:
        lines = [
            f"# target: {TARGET}",
            f"# optimization: {optimization}",
            "# origin: synth",
            "# parent: -",
            f"# mode: {self.mode}",
            "import torch",
            "import torch.nn.functional as F",
            "",
            "",
            "class Model(torch.nn.Module):",
        ]
        init = self.init_lines + init_tail
        if init:
            lines += ["    def __init__(self):", "        super().__init__()"]
            lines += [f"        {line}" for line in init] + [""]
        lines.append(f"    def forward({', '.join(['self', *(i.name for i in self.inputs)])}):")
        lines += [f"        {line}" for line in self.forward_lines]
        lines.append(f"        return {', '.join(v.name for v in self.outputs())}")
        made = ", ".join(self._input_expression(i) for i in self.inputs)
        lines += [
            "",
            "",
            "def make_inputs():",
            f"    return ({made}{',' if len(self.inputs) == 1 else ''})",
            "",
        ]
        return "\n".join(lines)

    def _input_expression(self, value: Value) -> str:
        options = ""
        if value.dtype != "float32":
            options += f", dtype=torch.{value.dtype}"
        if self.mode == "training":
            options += ", requires_grad=True"
        if value.positive:
            tensor = f"(torch.rand({_sizes(value.shape)}{options.replace(', requires_grad=True', '')}) + 0.5)"
            made = f"{tensor}.requires_grad_()" if self.mode == "training" else tensor
        else:
            made = f"torch.randn({_sizes(value.shape)}{options})"
        return _fill(value.layout, made) if value.layout else made


Draw = st.DrawFn
Builder = Callable[[Draw, Graph, Value], None]


@dataclasses.dataclass(frozen=True)
class Op:
    """One op family: when it applies to a value, and how it draws and emits itself."""

    name: str
    applies: Callable[[Graph, Value], bool]
    build: Builder
    weight: int = 1  # how many tickets it has in the draw among the ops that apply


# ------------------------------------------------------------------------------ the strategy


@st.composite
def op_graphs(draw: Draw, optimization: str = "", aim: Aim | None = None) -> Program:
    """A hypothesis strategy of synthesized programs (header ``origin: synth``, ``parent: -``);
    with an ``aim``, its families and ops are drawn more often."""
    graph = Graph(draw(st.sampled_from(DTYPES)), draw(st.sampled_from(MODES)), aim)
    _new_input(draw, graph, draw(_input_shapes()))
    for _ in range(draw(st.integers(MIN_OPS, MAX_OPS))):
        branch = draw(st.integers(0, 3)) == 3  # a quarter of the ops start from an earlier value
        source = draw(st.sampled_from(graph.values)) if branch else graph.values[-1]
        tickets = [op for op in OPS if op.applies(graph, source) for _ in range(_tickets(op, aim))]
        _build_within_limits(draw, graph, source, draw(st.sampled_from(tickets)))
    init_tail = []
    if graph.dtype != "float32" and graph.init_lines:
        init_tail.append(f"self.to(torch.{graph.dtype})")
    if graph.mode == "inference" and graph.has_batch_norm and draw(st.booleans()):
        init_tail.append("self.eval()")
    return parse_program(graph.render(optimization, init_tail))


def _tickets(op: Op, aim: Aim | None) -> int:
    return op.weight * (AIM_TICKETS if aim is not None and op.name in aim.families else 1)


def _aimed_choice(draw: Draw, graph: Graph, choices: Sequence[str]) -> str:
    """One of ``choices`` (op names): half of the time one the graph's aim names, if any."""
    aimed = [name for name in choices if graph.aim is not None and name in graph.aim.ops]
    return draw(st.sampled_from(aimed if aimed and draw(st.booleans()) else choices))


def _build_within_limits(draw: Draw, graph: Graph, source: Value, op: Op) -> None:
    """Build ``op``; if what it made is too big (rank, elements), undo it and apply a unary op."""
    before = graph.snapshot()
    count = len(graph.values)
    op.build(draw, graph, source)
    if all(_fits(v.shape) for v in graph.values[count:]):
        return
    graph.restore(before)
    _unary(draw, graph, source)


def _new_input(
    draw: Draw, graph: Graph, shape: Shape, dtype: str | None = None, positive: bool = False
) -> Value:
    """A new input of the graph, in a memory layout drawn for its shape."""
    return graph.add_input(shape, dtype, positive, layout=draw(_layouts(shape)))


@st.composite
def _layouts(draw: Draw, shape: Shape) -> str:
    """Dense three times in four; else the same shape strided, transposed, expanded, sliced or
    channels-last (layout-dependent indexing is a known source of lowering bugs)."""
    if len(shape) < 2 or draw(st.integers(0, 3)) != 0:
        return ""
    if len(shape) == 4 and draw(st.booleans()):
        return LAYOUT_4D  # half of the 4-d ones: what convolutions meet in real models
    return draw(st.sampled_from(LAYOUTS_2D))


@st.composite
def _input_shapes(draw: Draw) -> Shape:
    rank = draw(st.sampled_from((2, 3, 4, 1)))
    largest = {1: 32, 2: 16, 3: 12, 4: 8}[rank]
    return tuple(draw(st.integers(1, largest)) for _ in range(rank))


def synthesize(seed: int, count: int, optimization: str = "", aim: Aim | None = None) -> list[Program]:
    """``count`` distinct programs drawn deterministically from ``seed`` (fewer only if hypothesis
    keeps drawing duplicates), their header naming ``optimization``."""
    found: dict[str, Program] = {}
    for round_number in range(MAX_ROUNDS):
        missing = count - len(found)
        if missing <= 0:
            break
        # The first example of every run is hypothesis's simplest one, the same for every seed.
        drawn = draw_programs(op_graphs(optimization, aim), seed + round_number * ROUND_STRIDE, missing + 1)
        for program in drawn[1:]:
            found.setdefault(program.id, program)
    return list(found.values())[:count]


def draw_programs(strategy: st.SearchStrategy[Program], seed: int, examples: int) -> list[Program]:
    """Up to ``examples`` programs drawn from ``strategy`` by hypothesis, reproducibly from ``seed``
    (generation only: no database, shrinking or health checks)."""
    drawn: list[Program] = []

    @hypothesis_seed(seed)
    @settings(
        max_examples=examples,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    @given(strategy)
    def collect(program: Program) -> None:
        drawn.append(program)

    collect()
    return drawn


# ------------------------------------------------------------------------------ elementwise


def _unary(draw: Draw, graph: Graph, a: Value) -> None:
    op = torch_ops.lookup(_aimed_choice(draw, graph, [op.name for op in UNARY_OPS]))
    form = draw(st.sampled_from(op.forms))
    options = [f"{option.keyword}={draw(st.sampled_from(option.values))}" for option in op.options]
    keywords = options if options and draw(st.booleans()) else []
    graph.emit(op.spell(form, a.name, *keywords), a.shape, a.dtype, [a], True)


def _binary(draw: Draw, graph: Graph, a: Value) -> None:
    """a (+ - * / max min) a scalar, an earlier value, a new input or a parameter, broadcasting."""
    kind = draw(st.sampled_from(("scalar", "value", "input", "parameter")))
    op = torch_ops.lookup(_aimed_choice(draw, graph, [op.name for op in torch_ops.family(BINARY)]))
    if kind == "scalar":
        _binary_with_scalar(draw, graph, a, op if op.symbol else torch_ops.lookup("mul"))
        return
    divides = op.name == "div"
    b = _broadcast_partner(draw, graph, a, kind, positive=divides)
    left, right = (b, a) if not divides and draw(st.booleans()) else (a, b)
    denominator = right.name if not divides or right.positive else f"({right.name}.abs() + 1.0)"
    form = draw(st.sampled_from(("operator", *op.forms) if op.symbol else tuple(op.forms)))
    if form == "operator":
        expression = f"{left.name} {op.symbol} {denominator}"
    else:
        expression = op.spell(form, left.name, denominator)
    shape = broadcast_shapes(a.shape, b.shape)
    assert shape is not None
    graph.emit(expression, shape, _promote(a.dtype, b.dtype), [a, b], True)


def _binary_with_scalar(draw: Draw, graph: Graph, a: Value, op: TorchOp) -> None:
    scalar = draw(st.sampled_from(SCALARS))
    spelling = draw(st.sampled_from(("operator", "reflected", *op.forms)))
    if spelling == "reflected" and op.name != "div":
        expression = f"{scalar} {op.symbol} {a.name}"
    elif spelling in op.forms:
        expression = op.spell(spelling, a.name, scalar)
    else:
        expression = f"{a.name} {op.symbol} {scalar}"
    graph.emit(expression, a.shape, a.dtype, [a], True)


def _broadcast_partner(draw: Draw, graph: Graph, a: Value, kind: str, positive: bool = False) -> Value:
    """An earlier value that broadcasts with ``a``, or a new input/parameter shaped to broadcast."""
    if kind == "value":
        partners = [v for v in graph.values if broadcast_shapes(a.shape, v.shape) is not None]
        return draw(st.sampled_from(partners))  # a itself always qualifies
    shape = draw(_broadcastable_shapes(a.shape))
    if kind == "input" and graph.can_add_input():
        return _new_input(draw, graph, shape, a.dtype, positive)
    return graph.add_parameter(shape, positive=positive)


@st.composite
def _broadcastable_shapes(draw: Draw, shape: Shape) -> Shape:
    """A suffix of ``shape`` with some dims set to 1; the simplest draw is ``shape`` itself."""
    dropped = draw(st.integers(0, len(shape)))
    return tuple(1 if draw(st.booleans()) else size for size in shape[dropped:])


def _cast(draw: Draw, graph: Graph, a: Value) -> None:
    """A round trip through another float dtype (what pointless-convert removes), or a one-way cast."""
    other = draw(st.sampled_from([d for d in FLOAT_DTYPES if d != a.dtype]))
    if not draw(st.booleans()):
        back = draw(st.sampled_from((f"torch.{a.dtype}", f"{a.name}.dtype")))
        graph.emit(f"{a.name}.to(torch.{other}).to({back})", a.shape, a.dtype, [a], True)
        return
    method = DTYPE_CAST_METHOD[other]
    spelled = draw(st.sampled_from((f".to(torch.{other})", f".to(dtype=torch.{other})", f".{method}()")))
    graph.emit(f"{a.name}{spelled}", a.shape, other, [a], True)


def _clamp(draw: Draw, graph: Graph, a: Value) -> None:
    low, high = sorted(
        draw(st.lists(st.sampled_from(CLAMP_BOUNDS), min_size=2, max_size=2, unique=True)), key=float
    )
    expression = draw(
        st.sampled_from(
            (
                f"torch.clamp({a.name}, min={low}, max={high})",
                f"{a.name}.clamp({low}, {high})",
                f"{a.name}.clamp(min={low})",
                f"torch.clamp_min({a.name}, {low})",
                f"{a.name}.clamp_max({high})",
            )
        )
    )
    graph.emit(expression, a.shape, a.dtype, [a], True)


def _where(draw: Draw, graph: Graph, a: Value) -> None:
    """``torch.where(cond, a, other)``: the condition on ``a`` or on a partner, other a scalar or tensor."""
    threshold = draw(st.sampled_from(("0.0", "0.5", "-0.5")))
    condition_on = draw(
        st.sampled_from([v for v in graph.values if broadcast_shapes(a.shape, v.shape) is not None])
    )
    comparison = draw(st.sampled_from((">", "<", ">=")))
    uses = [a, condition_on]
    selected = broadcast_shapes(a.shape, condition_on.shape)
    assert selected is not None
    if draw(st.booleans()):
        other_name, shape, dtype = draw(st.sampled_from(SCALARS)), selected, a.dtype
    else:
        kind = draw(st.sampled_from(("value", "input", "parameter")))
        other = _broadcast_partner(draw, graph, dataclasses.replace(a, shape=selected), kind)
        other_name, dtype = other.name, _promote(a.dtype, other.dtype)
        shape = broadcast_shapes(selected, other.shape)  # type: ignore[assignment]
        uses.append(other)
    condition = f"{condition_on.name} {comparison} {threshold}"
    graph.emit(f"torch.where({condition}, {a.name}, {other_name})", shape, dtype, uses, True)


# ------------------------------------------------------------------------------ layers


def _linear_applies(graph: Graph, a: Value) -> bool:
    return a.rank >= 1 and a.dtype == graph.dtype and a.shape[-1] <= MAX_LAYER_WIDTH


def _linear(draw: Draw, graph: Graph, a: Value) -> None:
    """nn.Linear, a matmul with a weight parameter, F.linear, or addmm (2-D)."""
    k, n = a.shape[-1], draw(st.integers(1, 32))
    styles = (
        ("module", "matmul", "functional", "addmm") if a.rank == 2 else ("module", "matmul", "functional")
    )
    style = draw(st.sampled_from(styles))
    if style == "module":
        bias = "" if draw(st.booleans()) else ", bias=False"
        expression = f"{graph.add_layer('linear', f'torch.nn.Linear({k}, {n}{bias})')}({a.name})"
    elif style == "matmul":
        weight = graph.add_parameter((k, n)).name
        expression = draw(st.sampled_from((f"{a.name} @ {weight}", f"torch.matmul({a.name}, {weight})")))
    elif style == "functional":
        weight = graph.add_parameter((n, k)).name
        bias = graph.add_parameter((n,)).name if draw(st.booleans()) else "None"
        expression = f"F.linear({a.name}, {weight}, {bias})"
    else:
        weight, bias = graph.add_parameter((k, n)).name, graph.add_parameter((n,)).name
        expression = f"torch.addmm({bias}, {a.name}, {weight})"
    graph.emit(expression, (*a.shape[:-1], n), a.dtype, [a], True)


def _matmul(draw: Draw, graph: Graph, a: Value) -> None:
    """``a @ b`` with a new input of matching batch dims, or ``a @ a.transpose(-2, -1)``."""
    m, k = a.shape[-2:]
    if graph.can_add_input() and draw(st.booleans()):
        n = draw(st.integers(1, 16))
        b = _new_input(draw, graph, (*a.shape[:-2], k, n), a.dtype)
        spellings = [f"{a.name} @ {b.name}", f"torch.matmul({a.name}, {b.name})"]
        spellings += [f"torch.bmm({a.name}, {b.name})"] if a.rank == 3 else []
        spellings += [f"torch.mm({a.name}, {b.name})"] if a.rank == 2 else []
        graph.emit(draw(st.sampled_from(spellings)), (*a.shape[:-1], n), a.dtype, [a, b], True)
        return
    expression = draw(
        st.sampled_from((f"{a.name} @ {a.name}.transpose(-2, -1)", f"torch.matmul({a.name}, {a.name}.mT)"))
    )
    graph.emit(expression, (*a.shape[:-1], m), a.dtype, [a], True)


def _conv_applies(graph: Graph, a: Value) -> bool:
    return a.rank in (3, 4) and a.dtype == graph.dtype and a.shape[1] <= 64


def _conv(draw: Draw, graph: Graph, a: Value) -> None:
    """Conv1d on (N, C, L), Conv2d on (N, C, H, W); kernel, stride, padding and groups drawn."""
    channels, spatial = a.shape[1], a.shape[2:]
    out_channels = draw(st.integers(1, 16))
    kernel, padding, stride = (
        draw(st.sampled_from((3, 1, 2))),
        draw(st.sampled_from((1, 0))),
        draw(st.sampled_from((1, 2))),
    )
    if any(size + 2 * padding < kernel for size in spatial):
        kernel, padding = 1, 0
    groups = draw(st.sampled_from([1] + [g for g in (2, 4) if channels % g == 0 and out_channels % g == 0]))
    options = f"kernel_size={kernel}, stride={stride}, padding={padding}"
    options += f", groups={groups}" if groups > 1 else ""
    options += "" if draw(st.booleans()) else ", bias=False"
    layer = graph.add_layer("conv", f"torch.nn.Conv{len(spatial)}d({channels}, {out_channels}, {options})")
    out_spatial = tuple((size + 2 * padding - kernel) // stride + 1 for size in spatial)
    graph.emit(f"{layer}({a.name})", (a.shape[0], out_channels, *out_spatial), a.dtype, [a], True)


def _layer_norm_applies(graph: Graph, a: Value) -> bool:
    return a.rank >= 1 and a.dtype == graph.dtype


def _layer_norm(draw: Draw, graph: Graph, a: Value) -> None:
    normalized = a.shape[-draw(st.integers(1, min(2, a.rank))) :]
    shape_text = str(normalized[0]) if len(normalized) == 1 else str(normalized)
    if draw(st.booleans()):
        affine = "" if draw(st.booleans()) else ", elementwise_affine=False"
        expression = f"{graph.add_layer('norm', f'torch.nn.LayerNorm({shape_text}{affine})')}({a.name})"
    else:
        expression = f"F.layer_norm({a.name}, {normalized if len(normalized) > 1 else f'({normalized[0]},)'})"
    graph.emit(expression, a.shape, a.dtype, [a], True)


def _batch_norm_applies(graph: Graph, a: Value) -> bool:
    """BatchNorm1d/2d/3d on (N, C[, ...]); train-mode statistics need more than one value per channel."""
    return 2 <= a.rank <= 5 and a.dtype == graph.dtype and math.prod(a.shape) // a.shape[1] > 1


def _batch_norm(draw: Draw, graph: Graph, a: Value) -> None:
    dims = {2: 1, 3: 1, 4: 2, 5: 3}[a.rank]
    affine = "" if draw(st.booleans()) else ", affine=False"
    layer = graph.add_layer("bn", f"torch.nn.BatchNorm{dims}d({a.shape[1]}{affine})")
    graph.has_batch_norm = True
    graph.emit(f"{layer}({a.name})", a.shape, a.dtype, [a], True)


# ------------------------------------------------------------------------------ layout


def _permute(draw: Draw, graph: Graph, a: Value) -> None:
    order = draw(st.permutations(range(a.rank)))
    text = ", ".join(map(str, order))
    expression = draw(st.sampled_from((f"{a.name}.permute({text})", f"torch.permute({a.name}, ({text},))")))
    identity = list(order) == sorted(order)
    graph.emit(expression, tuple(a.shape[i] for i in order), a.dtype, [a], identity)


def _transpose(draw: Draw, graph: Graph, a: Value) -> None:
    first, second = draw(st.lists(st.integers(0, a.rank - 1), min_size=2, max_size=2, unique=True))
    shape = list(a.shape)
    shape[first], shape[second] = shape[second], shape[first]
    spellings = [
        f"{a.name}.transpose({first}, {second})",
        f"torch.transpose({a.name}, {first - a.rank}, {second})",
    ]
    spellings += [f"{a.name}.t()"] if a.rank == 2 else []
    graph.emit(draw(st.sampled_from(spellings)), tuple(shape), a.dtype, [a], False)


def _reshape(draw: Draw, graph: Graph, a: Value) -> None:
    """view/reshape to the same shape, two dims merged, one dim split in two, or flat."""
    target = draw(st.sampled_from(_reshape_targets(a.shape)))
    sizes = list(target)
    if sizes and draw(st.booleans()):
        sizes[draw(st.integers(0, len(sizes) - 1))] = -1
    text = ", ".join(map(str, sizes))
    methods = ("view", "reshape") if a.contiguous else ("reshape",)
    method = draw(st.sampled_from(methods))
    spellings = [f"{a.name}.{method}({text})", f"{a.name}.{method}(({text},))"]
    spellings += [f"torch.reshape({a.name}, ({text},))"] if method == "reshape" else []
    graph.emit(draw(st.sampled_from(spellings)), target, a.dtype, [a], a.contiguous)


def _reshape_targets(shape: Shape) -> list[Shape]:
    targets: list[Shape] = [shape, (math.prod(shape),)]
    for i in range(len(shape) - 1):
        targets.append((*shape[:i], shape[i] * shape[i + 1], *shape[i + 2 :]))
    if len(shape) < MAX_RANK:
        for i, size in enumerate(shape):
            factor = next((f for f in range(2, size) if size % f == 0), None)
            if factor is not None:
                targets.append((*shape[:i], factor, size // factor, *shape[i + 1 :]))
    return [t for t in dict.fromkeys(targets) if t]


def _flatten(draw: Draw, graph: Graph, a: Value) -> None:
    start = draw(st.integers(0, a.rank - 2))
    end = draw(st.integers(start + 1, a.rank - 1))
    shape = (*a.shape[:start], math.prod(a.shape[start : end + 1]), *a.shape[end + 1 :])
    spellings = [f"torch.flatten({a.name}, {start}, {end})", f"{a.name}.flatten({start}, {end})"]
    spellings += [f"{a.name}.flatten({start})"] if end == a.rank - 1 else []
    graph.emit(draw(st.sampled_from(spellings)), shape, a.dtype, [a], a.contiguous)


def _unsqueeze(draw: Draw, graph: Graph, a: Value) -> None:
    dim = draw(st.integers(-(a.rank + 1), a.rank))
    position = dim % (a.rank + 1)
    shape = (*a.shape[:position], 1, *a.shape[position:])
    expression = draw(st.sampled_from((f"{a.name}.unsqueeze({dim})", f"torch.unsqueeze({a.name}, {dim})")))
    graph.emit(expression, shape, a.dtype, [a], True)


def _squeeze(draw: Draw, graph: Graph, a: Value) -> None:
    ones = [i for i, size in enumerate(a.shape) if size == 1]
    if draw(st.booleans()):
        dim = draw(st.sampled_from(ones))
        expression = draw(st.sampled_from((f"{a.name}.squeeze({dim})", f"torch.squeeze({a.name}, {dim})")))
        shape = tuple(size for i, size in enumerate(a.shape) if i != dim)
    else:
        expression, shape = f"{a.name}.squeeze()", tuple(size for size in a.shape if size != 1)
    graph.emit(expression, shape, a.dtype, [a], True)


# ------------------------------------------------------------------------------ cat / stack / split


def _cat(draw: Draw, graph: Graph, a: Value) -> None:
    """``torch.cat`` of ``a`` and 1-2 tensors matching it off the cat dim (earlier values or new inputs)."""
    dim = draw(st.integers(0, a.rank - 1))
    matching = [
        v
        for v in graph.values
        if v.dtype == a.dtype
        and v.rank == a.rank
        and all(v.shape[i] == a.shape[i] for i in range(a.rank) if i != dim)
    ]
    parts = [a]
    for _ in range(draw(st.integers(1, 2))):
        if graph.can_add_input() and draw(st.booleans()):
            shape = list(a.shape)
            shape[dim] = draw(st.integers(1, 8))
            parts.append(_new_input(draw, graph, tuple(shape), a.dtype))
        else:
            parts.append(draw(st.sampled_from(matching)))
    parts = list(draw(st.permutations(parts)))
    names = ", ".join(p.name for p in parts)
    written_dim = dim - a.rank if draw(st.booleans()) else dim
    expression = draw(
        st.sampled_from(
            (
                f"torch.cat([{names}], dim={written_dim})",
                f"torch.cat(({names}), {written_dim})",
                f"torch.concat([{names}], dim={written_dim})",
            )
        )
    )
    shape = list(a.shape)
    shape[dim] = sum(p.shape[dim] for p in parts)
    graph.emit(expression, tuple(shape), a.dtype, parts, True)


def _stack(draw: Draw, graph: Graph, a: Value) -> None:
    same = [v for v in graph.values if v.shape == a.shape and v.dtype == a.dtype]
    parts = [a]
    for _ in range(draw(st.integers(1, 2))):
        if graph.can_add_input() and draw(st.booleans()):
            parts.append(_new_input(draw, graph, a.shape, a.dtype))
        else:
            parts.append(draw(st.sampled_from(same)))
    dim = draw(st.integers(0, a.rank))
    names = ", ".join(p.name for p in parts)
    expression = draw(
        st.sampled_from((f"torch.stack([{names}], dim={dim})", f"torch.stack(({names}), {dim})"))
    )
    graph.emit(expression, (*a.shape[:dim], len(parts), *a.shape[dim:]), a.dtype, parts, True)


def _split_applies(graph: Graph, a: Value) -> bool:
    return any(size >= 2 for size in a.shape)


def _split(draw: Draw, graph: Graph, a: Value) -> None:
    """split by sections, split by size, or chunk; every piece becomes a value."""
    dim = draw(st.sampled_from([i for i, size in enumerate(a.shape) if size >= 2]))
    size = a.shape[dim]
    style = draw(st.sampled_from(("sections", "size", "chunk")))
    if style == "sections":
        cuts = draw(st.lists(st.integers(1, size - 1), min_size=1, max_size=min(3, size - 1), unique=True))
        bounds = [0, *sorted(cuts), size]
        sections = [bounds[i + 1] - bounds[i] for i in range(len(bounds) - 1)]
        expression = draw(
            st.sampled_from(
                (f"torch.split({a.name}, {sections}, dim={dim})", f"{a.name}.split({sections}, {dim})")
            )
        )
    elif style == "size":
        piece = draw(st.integers(-(-size // 4), size - 1))  # at most four pieces
        sections = _pieces(size, piece)
        expression = draw(
            st.sampled_from((f"torch.split({a.name}, {piece}, dim={dim})", f"{a.name}.split({piece}, {dim})"))
        )
    else:
        chunks = draw(st.integers(2, min(4, size)))
        sections = _pieces(size, -(-size // chunks))  # torch.chunk splits by ceil(size / chunks)
        expression = draw(
            st.sampled_from(
                (f"torch.chunk({a.name}, {chunks}, dim={dim})", f"{a.name}.chunk({chunks}, {dim})")
            )
        )
    shapes = [(*a.shape[:dim], s, *a.shape[dim + 1 :]) for s in sections]
    leading_ones = all(a.shape[i] == 1 for i in range(dim))
    graph.emit_pieces(expression, shapes, a.dtype, [a], leading_ones)


def _pieces(size: int, piece: int) -> list[int]:
    return [piece] * (size // piece) + ([size % piece] if size % piece else [])


# ------------------------------------------------------------------------------ reductions, softmax


def _reduce(draw: Draw, graph: Graph, a: Value) -> None:
    """sum/mean/amax/amin/var/std/prod/logsumexp over one dim, several, or all; keepdim drawn."""
    name = _aimed_choice(draw, graph, DRAWN_REDUCTIONS)
    scope = draw(st.sampled_from(("one", "several", "all")))
    dims: list[int] | None
    if scope == "all" and name in WHOLE_TENSOR_REDUCTIONS:
        dims = None
    elif scope == "several" and a.rank >= 2 and torch_ops.lookup(name).several_dims:
        dims = sorted(draw(st.lists(st.integers(0, a.rank - 1), min_size=2, max_size=a.rank, unique=True)))
    else:
        dims = [draw(st.integers(0, a.rank - 1))]
    reduced = math.prod(a.shape) if dims is None else math.prod(a.shape[d] for d in dims)
    if name in ("var", "std") and reduced < 2:
        name = "sum"  # one value per group: the variance would be NaN
    keepdim = draw(st.booleans())
    if dims is None:  # x.sum(): a 0-d result
        shape: Shape = ()
        arguments = []
    else:
        shape = tuple(1 if i in dims else s for i, s in enumerate(a.shape) if keepdim or i not in dims)
        dim_text = str(dims[0]) if len(dims) == 1 else str(tuple(dims))
        arguments = [f"dim={dim_text}"] + (["keepdim=True"] if keepdim else [])
    op = torch_ops.lookup(name)
    form = draw(st.sampled_from(tuple(op.forms)))
    graph.emit(op.spell(form, a.name, *arguments), shape, a.dtype, [a], True)


def _data_dependent(draw: Draw, graph: Graph, a: Value) -> None:
    """``a`` combined with an ``.item()`` scalar, a boolean-mask or a ``nonzero`` selection: an
    unbacked symbol in the graph under the capture settings, a graph break without them."""
    graph.emit(_fill(draw(st.sampled_from(DATA_DEPENDENT)), a.name), a.shape, a.dtype, [a], a.contiguous)


def _softmax(draw: Draw, graph: Graph, a: Value) -> None:
    op = torch_ops.lookup(_aimed_choice(draw, graph, [op.name for op in SOFTMAX_OPS]))
    dim = draw(st.integers(-a.rank, a.rank - 1))
    form = draw(st.sampled_from(tuple(op.forms)))
    argument = f"dim={dim}" if form != "m" or draw(st.booleans()) else str(dim)
    graph.emit(op.spell(form, a.name, argument), a.shape, a.dtype, [a], True)


# ------------------------------------------------------------------------------ table and helpers


def _always(graph: Graph, a: Value) -> bool:
    return True


OPS: tuple[Op, ...] = (
    Op("unary", _always, _unary, weight=2),
    Op("binary", _always, _binary, weight=2),
    Op("cast", _always, _cast),
    Op("clamp", _always, _clamp),
    Op("where", _always, _where),
    Op("linear", _linear_applies, _linear, weight=2),
    Op("matmul", lambda graph, a: a.rank >= 2, _matmul),
    Op("conv", _conv_applies, _conv, weight=3),
    Op("layer_norm", _layer_norm_applies, _layer_norm),
    Op("batch_norm", _batch_norm_applies, _batch_norm),
    Op("permute", lambda graph, a: a.rank >= 2, _permute),
    Op("transpose", lambda graph, a: a.rank >= 2, _transpose),
    Op("reshape", lambda graph, a: a.rank >= 1, _reshape),
    Op("flatten", lambda graph, a: a.rank >= 2, _flatten),
    Op("unsqueeze", lambda graph, a: a.rank < MAX_RANK, _unsqueeze),
    Op("squeeze", lambda graph, a: 1 in a.shape, _squeeze),
    Op("cat", lambda graph, a: a.rank >= 1, _cat),
    Op("stack", lambda graph, a: a.rank < MAX_RANK, _stack),
    Op("split", _split_applies, _split),
    Op("reduce", lambda graph, a: a.rank >= 1, _reduce),
    Op("softmax", lambda graph, a: a.rank >= 1, _softmax),
    Op("data_dependent", lambda graph, a: a.rank >= 1, _data_dependent),
)
OP_NAMES = tuple(op.name for op in OPS)


def _fill(template: str, operand: str) -> str:
    """One of mutation's expression templates with ``E`` standing for ``operand``."""
    return re.sub(r"\bE\b", f"({operand})" if not operand.isidentifier() else operand, template).replace(
        "TORCH", "torch"
    )


def _sizes(shape: Shape) -> str:
    return ", ".join(map(str, shape)) if shape else "()"


def _fits(shape: Shape) -> bool:
    return len(shape) <= MAX_RANK and math.prod(shape) <= MAX_ELEMENTS


def broadcast_shapes(first: Shape, second: Shape) -> Shape | None:
    """numpy broadcasting of two shapes, or None when they do not broadcast."""
    rank = max(len(first), len(second))
    padded_first, padded_second = (1,) * (rank - len(first)) + first, (1,) * (rank - len(second)) + second
    result = []
    for x, y in zip(padded_first, padded_second, strict=True):
        if x != y and 1 not in (x, y):
            return None
        result.append(max(x, y))
    return tuple(result)


def _promote(first: str, second: str) -> str:
    """torch's promotion between float dtypes (float16 with bfloat16 gives float32)."""
    if first == second:
        return first
    return "float64" if "float64" in (first, second) else "float32"
