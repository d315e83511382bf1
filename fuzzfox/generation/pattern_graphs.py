"""Graph-pattern synthesis: a program that holds a pattern-matcher entry's own graph (no LLM).

Most of Inductor's pattern entries are not traced from a search function but written as a graph
of ``CallFunction`` nodes over aten ops, which the catalog keeps pretty-printed
(:attr:`~fuzzfox.whitebox.optimization.Optimization.pattern`)::

    mkldnn__linear_pointwise_default = CallFunction(mkldnn._linear_pointwise.default, Arg(), ...)
    _gt_ = CallFunction([gt, ...], mkldnn__linear_pointwise_default, 0)
    _mul_ = CallFunction([mul, ...], mkldnn__linear_pointwise_default, KeywordArg('negative_slope'))
    output = CallFunction([where, ...], _gt_, mkldnn__linear_pointwise_default, _mul_)

A program holds it when its graph, after the passes that run before this one, has these nodes.
Each node is written as a call that traces to it, in the pattern's order, so a node the pattern
uses twice is one value used twice (``_users=2``).  A node an earlier pass makes is written as
what a user writes for it, with the settings that pass needs: ``mkldnn._linear_pointwise`` is
what freezing makes of a ``Linear`` in inference.  Leaves: a scalar keyword (``negative_slope``,
``min_value``) is a number from natural values, a dtype keyword (``to_bf16``) the dtype it
names, any other keyword or ``Arg()`` a tensor input shaped like the tensor it meets; when a
pattern converts to half or bfloat16, the head and inputs are in that dtype.

What cannot be written (another node kind, a list argument, an op without a spelling here) is
left to the other generators; :func:`can_write` says so without writing.  Nothing here imports a
framework: the programs are text, and the trigger probe says whether the pass took them.
"""

from __future__ import annotations

import ast
import dataclasses
import keyword
import random
from collections.abc import Callable
from typing import Any

from fuzzfox.generation.pattern_variants import distinct_variants, header
from fuzzfox.program import Program, ProgramError, parse_program
from fuzzfox.program_ast import dotted_name
from fuzzfox.whitebox.optimization import Optimization

# Leaves: ("node", name), ("keyword", name), ("arg", None), ("constant", value).
Leaf = tuple[str, Any]
Shape = tuple[int, ...]
FLOAT32 = "torch.float32"
INFIX = {"operator.add": "+", "operator.sub": "-", "operator.mul": "*", "operator.truediv": "/"}
BARE_OPS = {name: f"operator.{name}" for name in ("add", "sub", "mul", "truediv")}
# Natural values of the scalar keywords patterns take (the first is the canonical program's).
SCALAR_KEYWORDS: dict[str, tuple[float, ...]] = {
    "negative_slope": (0.01, 0.2, 0.1),
    "min_value": (-1.0, 0.0, -0.5),
    "max_value": (1.0, 6.0, 0.5),
    "alpha": (1.0, 0.5, 2.0),
    "beta": (1.0, 0.5, 2.0),
}
LOW_PRECISION = (("bf16", "torch.bfloat16"), ("fp16", "torch.float16"), ("half", "torch.float16"))
# Ops that only an earlier pass makes, and the module a user writes for them (aten.convolution:
# where all its arguments are leaves, it is the conv the pattern sees).
HEAD_MODULES = {
    "aten.convolution.default": "conv",
    "aten.addmm.default": "linear",  # a 2-D Linear with a bias
    "aten.mm.default": "linear",  # and without
    "mkldnn._convolution_pointwise.default": "conv",
    "mkldnn._linear_pointwise.default": "linear",
    "mkldnn._convolution_transpose_pointwise.default": "conv_transpose",
}
PACKED_LINEAR = "mkldnn._linear_pointwise.default"
# What freezing makes of a dequantized conv/linear (written as that: :meth:`_Writer._quantized_head`).
QUANTIZED_HEADS = {
    f"onednn.{op}_pointwise.{overload}" for op in ("qconv", "qlinear") for overload in ("default", "tensor")
}
# A PT2E-quantized model's constants, as X86InductorQuantizer's models hold them: uint8
# activations (scale, zero point, range), int8 weights per channel, requantized outputs.  The
# arguments after the first of the quantize/dequantize ops, by position:
QUANTIZE_ARGUMENTS = {
    "quantized_decomposed.dequantize_per_tensor": (None, "0.05", "64", "0", "255", "torch.uint8"),
    "quantized_decomposed.quantize_per_tensor": (None, "0.05", "64", "0", "255", "torch.uint8"),
    "quantized_decomposed.dequantize_per_channel": (
        None,
        "w_scale",
        "w_zp",
        "0",
        "-128",
        "127",
        "torch.int8",
    ),
}
QUANTIZED_OPS = "torch.ops.quantized_decomposed"
# The quantized model's tensors: its uint8 activation (an input), the rest constants.
QUANTIZED_TENSORS = ("x", "q_weight", "w_scale", "w_zp", "b")
# Sizes and settings the patterns leave to keywords, from the program's geometry.
GEOMETRY_KEYWORDS: dict[str, Callable[[_Geometry], Any]] = {
    "stride": lambda g: [1, 1],
    "padding": lambda g: [g.kernel // 2, g.kernel // 2],
    "dilation": lambda g: [1, 1],
    "is_transposed": lambda g: False,
    "out_padding": lambda g: [0, 0],
    "groups": lambda g: 1,
    "permute_axes": lambda g: [1, 0],
    "kernel_size": lambda g: [2, 2],
    "dim": lambda g: -1,
    "keepdim": lambda g: True,
    "perm1": lambda g: [1, 0],
    "perm2": lambda g: [1, 0],
    "act_reshape_size": lambda g: [g.batch * g.rows, g.channels],
    "output_reshape_size": lambda g: [g.batch, g.rows, g.out],
    "act_expand_size": lambda g: [g.batch, g.rows, g.channels],
    "wgt_expand_size": lambda g: [g.batch, g.channels, g.out],
}
THREE_D_KEYWORDS = ("act_reshape_size", "act_expand_size")  # the activation is (batch, rows, channels)
SPELLED = {"memory_format": "torch.contiguous_format"}
# Ops whose tensor arguments must share a dtype: a pattern that converts one operand only is
# left unwritten (eager would refuse the program).
SAME_DTYPE_OPS = ("aten.addmm", "aten.mm", "aten.bmm", "aten.baddbmm", "aten.convolution")
UNSPELLED_OPS = ("aten._int_mm",)  # per-token int8 matmuls: scales shaped in ways not drawn here
RESHAPES = ("aten.reshape", "aten.view", "aten.expand")
RANK_OF_OPS = {"aten.bmm": 3, "aten.baddbmm": 3, "aten.convolution": 4}  # else matrices
SQUARE_SIZES = (8, 4, 6, 16)


@dataclasses.dataclass(frozen=True)
class Node:
    """One ``CallFunction`` of a pattern: ``op`` dotted (``aten.relu.default``; ``aten.mul`` for
    any overload of it; ``operator.add``), arguments as leaves."""

    name: str
    op: str
    args: tuple[Leaf, ...]
    keywords: tuple[tuple[str, Leaf], ...]


def parse_pattern(text: str) -> list[Node] | None:
    """The pattern's nodes in order, or None where a line is not one this module writes."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    nodes: list[Node] = []
    for statement in tree.body:
        node = _node(statement, {n.name for n in nodes})
        if node is None:
            return None
        nodes.append(node)
    return nodes or None


def _node(statement: ast.stmt, earlier: set[str]) -> Node | None:
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
        return None
    target, call = statement.targets[0], statement.value
    if not (isinstance(target, ast.Name) and _callee(call) == "CallFunction"):
        return None
    assert isinstance(call, ast.Call)
    if not call.args or not _usable_name(target.id):
        return None
    op = _op(call.args[0])
    args = [_leaf(a, earlier) for a in call.args[1:]]
    keywords = [(k.arg, _leaf(k.value, earlier)) for k in call.keywords if k.arg and k.arg != "_users"]
    if op is None or any(a is None for a in args) or any(v is None for _, v in keywords):
        return None
    return Node(target.id, op, tuple(args), tuple(keywords))  # type: ignore[arg-type]


def _callee(node: ast.expr) -> str | None:
    return node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else None


def _usable_name(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and name not in {"torch", "self", "operator"}


def _op(expression: ast.expr) -> str | None:
    if isinstance(expression, ast.List) and expression.elts:  # [mul, ...]: any overload
        first = dotted_name(expression.elts[0])
        if first == "convert_element_type":  # a prims op: what a cast (.to) traces to
            return "prims.convert_element_type.default"
        return None if first is None else f"aten.{first}"
    if isinstance(expression, ast.Name):
        return BARE_OPS.get(expression.id)
    return dotted_name(expression)


def _leaf(expression: ast.expr, earlier: set[str]) -> Leaf | None:
    if isinstance(expression, ast.Name) and expression.id in earlier:
        return ("node", expression.id)
    if isinstance(expression, ast.Constant) and isinstance(expression.value, (int, float, bool)):
        return ("constant", expression.value)
    if _callee(expression) == "KeywordArg":
        assert isinstance(expression, ast.Call)
        name = expression.args[0].value if expression.args else None  # type: ignore[attr-defined]
        return ("keyword", name) if isinstance(name, str) and _usable_name(name) else None
    if _callee(expression) in ("Arg", "Ignored"):
        return ("arg", None)
    return None


def can_write(optimization: Optimization) -> bool:
    """Whether a program can be written from its pattern graph: every node and leaf spelled, and
    the canonical program type-checks as far as this module knows."""
    nodes = parse_pattern(optimization.pattern) if optimization.pattern else None
    if nodes is None or not all(_spellable(node) for node in nodes):
        return False
    return _Writer(optimization, nodes, None).program() is not None


def _is_head(node: Node) -> bool:
    """Whether ``node`` is written as the module freezing packs (its arguments are all leaves)."""
    return node.op in HEAD_MODULES and all(kind in ("arg", "keyword") for kind, _ in node.args)


def _family(op: str) -> str:
    """``aten.mul.Tensor`` -> ``aten.mul``."""
    return ".".join(op.split(".")[:2])


def _spellable(node: Node) -> bool:
    if _is_head(node) or node.op in INFIX or node.op in QUANTIZED_HEADS or node.op == "operator.getitem":
        return True
    if node.op == "prims.convert_element_type.default":
        return True
    return node.op.split(".")[0] in ("aten", "quantized_decomposed") and _family(node.op) not in UNSPELLED_OPS


def graph_programs(optimization: Optimization, seed: int, count: int) -> list[Program]:
    """Up to ``count`` distinct programs holding ``optimization``'s pattern graph (the canonical
    one first), from ``seed``; none where :func:`can_write` is false."""
    if not can_write(optimization):
        return []
    nodes = parse_pattern(optimization.pattern)
    assert nodes is not None
    return distinct_variants(lambda rng: _Writer(optimization, nodes, rng).program(), seed, count)


class _Unwritable(Exception):
    """The pattern asks for what this module cannot write as a valid program."""


@dataclasses.dataclass(frozen=True)
class _Value:
    """A node's or leaf's value as far as it is known: shape and dtype (None: not known)."""

    shape: Shape | None
    dtype: str | None


@dataclasses.dataclass(frozen=True)
class _Geometry:
    """Sizes of a quantized conv or linear: activation (batch, channels, side, side), (rows,
    channels) or (batch, rows, channels); weight (out, channels, kernel, kernel) or (out, channels)."""

    batch: int
    channels: int
    side: int
    rows: int
    out: int
    kernel: int

    @classmethod
    def draw(cls, pick: Callable[[tuple[Any, ...]], Any]) -> _Geometry:
        sizes = ((2, 1), (4, 3, 8), (8, 7, 10), (4, 1, 6), (8, 16, 4), (3, 1))
        return cls(*(pick(choices) for choices in sizes))


class _Writer:
    """One program for one pattern: sizes, module parameters and scalars drawn from ``rng`` (the
    canonical program where it is None)."""

    def __init__(self, optimization: Optimization, nodes: list[Node], rng: random.Random | None) -> None:
        self.optimization = optimization
        self.nodes = nodes
        self.rng = rng
        keywords = {value for node in nodes for kind, value in _leaves(node) if kind == "keyword"}
        self.dtype = _program_dtype(keywords)
        rank = max((RANK_OF_OPS.get(_family(n.op), 2) for n in nodes), default=2)
        self.square: Shape = (self._pick(SQUARE_SIZES),) * rank
        self.convolution = any(n.op.startswith(("aten.convolution", "onednn.qconv")) for n in nodes)
        self.three_d = any(name in keywords for name in THREE_D_KEYWORDS)
        self.folding = optimization.file.endswith("binary_folding.py")  # ``other`` is a constant
        self.geometry = _Geometry.draw(self._pick)
        self.inputs: dict[str, str] = {}  # input name -> its make_inputs expression, in call order
        self.modules: list[str] = []  # __init__ lines
        self.values: dict[str, _Value] = {}  # node or input name -> what is known of its value
        self.latest: Shape | None = None  # the shape of the latest node whose shape is known
        self.dynamic = False  # compiled with dynamic shapes

    def _pick(self, choices: tuple[Any, ...]) -> Any:
        return choices[0] if self.rng is None else self.rng.choice(choices)

    def program(self) -> Program | None:
        try:
            body = [line for node in self.nodes for line in self._statements(node)]
        except _Unwritable:
            return None
        heads = sorted({HEAD_MODULES[n.op] for n in self.nodes if _is_head(n)})
        quantized = any(n.op.startswith(("quantized_decomposed.", "onednn.")) for n in self.nodes)
        packed = f", {' and '.join(heads)} for what freezing packs" if heads else ""
        frozen = heads or quantized or "freezing" in self.optimization.pass_name
        registers = "import torch.ao.quantization.fx._decomposed  # registers the quantized_decomposed ops"
        lines = [
            *header(self.optimization.id),
            *(["# config: freezing=True"] if frozen else []),
            *(["# compile: dynamic=True"] if self.dynamic else []),
            f"# description: the pattern graph of {self.optimization.id} written node by node{packed}",
            "import torch",
            *([registers] if quantized else []),
            "",
            "",
            "class Model(torch.nn.Module):",
            "    def __init__(self):",
            "        super().__init__()",
            *self.modules,
            "        self.eval()",
            "",
            f"    def forward(self, {', '.join(self.inputs)}):",
            *(f"        {line}" for line in body),
            f"        return {self.nodes[-1].name}",
            "",
            "",
            "def make_inputs():",
            f"    return ({', '.join(self.inputs.values())}{',' if len(self.inputs) == 1 else ''})",
            "",
        ]
        try:
            return parse_program("\n".join(lines))
        except ProgramError:
            return None

    def _statements(self, node: Node) -> list[str]:
        """The lines that compute ``node``, the last assigning it."""
        if _is_head(node):
            return [f"{node.name} = {self._head(node)}"]
        if node.op in QUANTIZED_HEADS:
            return self._quantized_head(node)
        known = [shape for kind, v in node.args if kind == "node" and (shape := self.values[v].shape)]
        like = known[0] if known else (self.latest or self.square)
        args = [self._argument(node, position, leaf, like) for position, leaf in enumerate(node.args)]
        keywords = [f"{name}={self._argument(node, -1, leaf, like)}" for name, leaf in node.keywords]
        operands = [self._value_of(leaf) for leaf in node.args]
        if _family(node.op) in SAME_DTYPE_OPS:
            dtypes = {value.dtype for value in operands if value.dtype and value.shape}
            if len(dtypes) > 1:
                raise _Unwritable(f"{node.op} of {sorted(dtypes)}")
        self._record(node, operands, like)
        if node.op in INFIX:
            return [f"{node.name} = ({args[0]} {INFIX[node.op]} {args[1]})"]
        if node.op == "operator.getitem":
            index = args[1] if node.args[1][0] == "constant" else "0"
            return [f"{node.name} = {args[0]}[{index}]"]
        if node.op == "prims.convert_element_type.default":
            return [f"{node.name} = {args[0]}.to({args[1]})"]
        return [f"{node.name} = torch.ops.{node.op}({', '.join(args + keywords)})"]

    def _record(self, node: Node, operands: list[_Value], like: Shape) -> None:
        """What is known of ``node``'s value, from its operands."""
        family = _family(node.op)
        shapes = [value.shape for value in operands]
        first = next((value for value in operands if value.shape), _Value(like, self.dtype))
        shape: Shape | None = first.shape
        dtype = first.dtype
        if family == "aten.permute" and shapes[0] and len(shapes[0]) == 2:
            shape = (shapes[0][1], shapes[0][0])
        elif family == "aten.convolution" and shapes[0] and shapes[1]:
            shape = (shapes[0][0], shapes[1][0], *shapes[0][2:])  # stride 1, same padding
        elif family in ("aten.addmm", "aten.mm", "aten.bmm"):
            left, right = shapes[1:3] if family == "aten.addmm" else shapes[:2]
            shape = (*left[:-1], right[-1]) if left and right else None
        elif family in RESHAPES:
            name = node.args[1][1] if len(node.args) > 1 else None
            shape = tuple(GEOMETRY_KEYWORDS[name](self.geometry)) if name in GEOMETRY_KEYWORDS else None
        if node.op.startswith("quantized_decomposed.dequantize"):
            dtype = FLOAT32
        elif node.op.startswith("quantized_decomposed.quantize"):
            dtype = "torch.uint8"
        elif node.op == "prims.convert_element_type.default":
            dtype = self._dtype_argument(node.args[1])
        self.values[node.name] = _Value(shape, dtype)
        if shape:
            self.latest = shape

    def _dtype_argument(self, leaf: Leaf) -> str:
        """The dtype a convert's second argument names (an anonymous one: the program's own)."""
        kind, value = leaf
        named = _dtype_named(value) if kind == "keyword" else None
        return named or self.dtype

    def _value_of(self, leaf: Leaf) -> _Value:
        kind, value = leaf
        if kind == "node":
            return self.values[value]
        return _Value(None, None) if kind == "constant" else self.values.get(str(value), _Value(None, None))

    def _argument(self, node: Node, position: int, leaf: Leaf, like: Shape) -> str:
        """How ``leaf``, ``node``'s argument at ``position`` (-1: a keyword argument), is written."""
        kind, value = leaf
        if kind == "node":
            return value
        if kind == "constant":
            return repr(value)
        if node.op == "prims.convert_element_type.default" and position == 1:
            return self._dtype_argument(leaf)
        quantize = QUANTIZE_ARGUMENTS.get(_family(node.op))
        if quantize is not None and 0 < position < len(quantize):
            return self._quantize_argument(node, position, quantize[position])
        if kind == "keyword":
            if value in SCALAR_KEYWORDS:
                return repr(self._pick(SCALAR_KEYWORDS[value]))
            if value in GEOMETRY_KEYWORDS:
                return repr(GEOMETRY_KEYWORDS[value](self.geometry))
            if value in SPELLED:
                return SPELLED[value]
            if (dtype := _dtype_named(value)) is not None:
                return dtype
            if value in QUANTIZED_TENSORS:
                return self._quantized_tensor(value)
        if _family(node.op) in RESHAPES and position == 1:
            raise _Unwritable(f"the size of {node.op} is not known")
        if self.folding and kind == "keyword" and value == "other":
            # binary folding folds a constant into the weights: one per output channel
            shape = (like[1], 1, 1) if len(like) == 4 else (like[-1],)
            return self._buffer("other", _randn(shape, self.dtype))
        name = value if kind == "keyword" else f"arg{len(self.inputs)}"
        if quantize is not None and position == 0:  # a quantized value: uint8, shaped like the rest
            self._input(name, like, "torch.uint8")
        else:
            self._input(name, like, self.dtype)
        return name

    def _quantize_argument(self, node: Node, position: int, default: str) -> str:
        """A quantize/dequantize op's argument after the first: the model's constant there; in a
        ``.tensor`` overload the scale and zero point are 0-d tensors, inputs of the graph as in
        :meth:`_quantized_head` (frozen, they crash the qlinear lowering)."""
        if default in QUANTIZED_TENSORS:
            return self._quantized_tensor(default)
        if node.op.endswith(".tensor") and position in (1, 2):
            name = f"{node.name}_{'scale' if position == 1 else 'zero_point'}"
            self._tensor_input(name, f"torch.tensor({default})", FLOAT32 if position == 1 else "torch.int64")
            return name
        return default

    def _input(self, name: str, shape: Shape, dtype: str) -> None:
        if name in self.inputs:
            return
        self.values[name] = _Value(shape, dtype)
        if dtype == "torch.uint8":
            self.inputs[name] = f"torch.randint(0, 256, {shape!r}, dtype=torch.uint8)"
        else:
            self.inputs[name] = _randn(shape, dtype)

    def _tensor_input(self, name: str, expression: str, dtype: str) -> None:
        """A 0-d input made by ``expression``."""
        self.values[name] = _Value((), dtype)
        self.inputs[name] = expression

    def _buffer(self, name: str, expression: str) -> str:
        line = f"        self.register_buffer({name!r}, {expression})"
        if line not in self.modules:
            self.modules.append(line)
        return f"self.{name}"

    def _quantized_shape(self, name: str) -> Shape:
        g = self.geometry
        if name == "x":
            if self.convolution:
                return (g.batch, g.channels, g.side, g.side)
            return (g.batch, g.rows, g.channels) if self.three_d else (g.rows, g.channels)
        if name == "q_weight":
            return (g.out, g.channels, g.kernel, g.kernel) if self.convolution else (g.out, g.channels)
        return (g.out,)

    def _quantized_tensor(self, name: str) -> str:
        """A quantized model's tensor: the uint8 activation is an input, the rest are constants
        (frozen into the graph, as a converted PT2E model holds them)."""
        shape = self._quantized_shape(name)
        if name == "x":
            self._input("x", shape, "torch.uint8")
            return "x"
        made = {
            "q_weight": f"torch.randint(-128, 128, {shape!r}, dtype=torch.int8)",
            "w_scale": f"torch.rand{shape!r} * 0.01 + 0.002",
            "w_zp": f"torch.zeros({shape!r}, dtype=torch.int64)",
            "b": f"torch.randn{shape!r}",
        }[name]
        self.values[name] = _Value(shape, "torch.int8" if name == "q_weight" else FLOAT32)
        return self._buffer(name, made)

    def _quantized_head(self, node: Node) -> list[str]:
        """What becomes ``onednn.qconv_pointwise``/``qlinear_pointwise`` under freezing: a uint8
        activation and an int8 per-channel weight dequantized into a float conv or linear."""
        self.convolution = "qconv" in node.op
        g = self.geometry
        x, weight = self._quantized_tensor("x"), self._quantized_tensor("q_weight")
        scale, zero, bias = (self._quantized_tensor(n) for n in ("w_scale", "w_zp", "b"))
        activation, dequantized = f"{node.name}_x", f"{node.name}_w"
        per_tensor = QUANTIZE_ARGUMENTS["quantized_decomposed.dequantize_per_tensor"][1:]
        overload = "default"
        if node.op.endswith(".tensor"):
            # The activation's scale and zero point are tensors: inputs of the compiled graph, as
            # a model that computes them holds them (frozen 0-d constants there crash Inductor's
            # qlinear lowering: corpus/regressions/torch-inductor/qlinear_tensor_scale_constant_crash.py).
            scale_value, zero_value = per_tensor[0], per_tensor[1]
            per_tensor = (f"{node.name}_x_scale", f"{node.name}_x_zp", *per_tensor[2:])
            self._tensor_input(per_tensor[0], f"torch.tensor({scale_value})", FLOAT32)
            self._tensor_input(per_tensor[1], f"torch.tensor({zero_value})", "torch.int64")
            overload = "tensor"
        lines = [
            f"{activation} = {QUANTIZED_OPS}.dequantize_per_tensor.{overload}({x}, {', '.join(per_tensor)})",
            f"{dequantized} = {QUANTIZED_OPS}.dequantize_per_channel.default("
            f"{weight}, {scale}, {zero}, 0, -128, 127, torch.int8)",
        ]
        if self.dtype != FLOAT32:  # autocast: the float computation runs low-precision
            lines += [f"{value} = {value}.to({self.dtype})" for value in (activation, dequantized)]
            bias = f"{bias}.to({self.dtype})"
        if self.convolution:
            call = f"torch.nn.functional.conv2d({activation}, {dequantized}, {bias}, 1, {g.kernel // 2})"
            shape: Shape = (g.batch, g.out, g.side, g.side)
        else:
            call = f"torch.nn.functional.linear({activation}, {dequantized}, {bias})"
            shape = (g.rows, g.out)
        self.values[node.name] = _Value(shape, self.dtype)
        self.latest = shape
        return [*lines, f"{node.name} = {call}"]

    def _head(self, node: Node) -> str:
        """The module call freezing turns into ``node``'s op, on a new input."""
        index = sum(1 for line in self.modules if "torch.nn." in line)
        batch, bias = self._pick((2, 1, 3)), self._pick((True, False))
        kind = HEAD_MODULES[node.op]
        if node.op in ("aten.addmm.default", "aten.mm.default"):  # a 2-D input: no view around the mm
            batch, bias = 1, node.op == "aten.addmm.default"
        if kind == "linear":
            features, out = self._pick((16, 8, 32)), self._pick((8, 16, 12))
            shape_in: Shape = (self._pick((4, 1, 6)), features) if batch != 3 else (batch, 4, features)
            module = f"torch.nn.Linear({features}, {out}, bias={bias})"
            shape_out: Shape = (*shape_in[:-1], out)
        else:
            channels, out = self._pick((3, 4, 8)), self._pick((8, 4, 16))
            kernel, stride, side = self._pick((3, 1, 2)), self._pick((1, 2)), self._pick((10, 8, 7))
            padding = self._pick((1, 0)) if kernel > 1 else 0
            shape_in = (batch, channels, side, side)
            layer = "Conv2d" if kind == "conv" else "ConvTranspose2d"
            geometry = f"{kernel}, stride={stride}, padding={padding}, bias={bias}"
            module = f"torch.nn.{layer}({channels}, {out}, {geometry})"
            if kind == "conv":
                size = (side + 2 * padding - kernel) // stride + 1
            else:
                size = (side - 1) * stride - 2 * padding + kernel
            shape_out = (batch, out, size, size)
        if node.op == PACKED_LINEAR and self.dtype == FLOAT32 and not self.dynamic:
            # Freezing packs a float32 Linear of static batch for MKL (mkl._mkl_linear) on MKL
            # builds; oneDNN's mkldnn._linear_pointwise takes a low-precision one, or one whose
            # batch is a symbol: the program is bf16 or compiled dynamic.
            if self._pick(("bf16", "dynamic")) == "bf16":
                self.dtype = "torch.bfloat16"
            else:
                self.dynamic = True
        suffix = "" if self.dtype == FLOAT32 else f".to({self.dtype})"
        self.modules.append(f"        self.{kind}{index} = {module}{suffix}")
        self._input(f"x{index}", shape_in, self.dtype)
        self.values[node.name] = _Value(shape_out, self.dtype)
        self.latest = shape_out
        return f"self.{kind}{index}(x{index})"


def _randn(shape: Shape, dtype: str) -> str:
    suffix = "" if dtype == FLOAT32 else f", dtype={dtype}"
    return f"torch.randn({', '.join(map(str, shape))}{suffix})"


def _leaves(node: Node) -> list[Leaf]:
    return [*node.args, *(leaf for _, leaf in node.keywords)]


def _program_dtype(keywords: set[str]) -> str:
    """The dtype of a program's heads and inputs: low precision where the pattern converts to it,
    or converts a value to float (its producer computed in bf16)."""
    for tag, dtype in LOW_PRECISION:
        if any(tag in name for name in keywords):
            return dtype
    if any(name.startswith(("to_float", "autocast")) for name in keywords):
        return "torch.bfloat16"
    return FLOAT32


def _dtype_named(name: str) -> str | None:
    """The dtype a keyword names (``to_bf16``, ``to_float``, ``autocast_wgt_dtype``), or None."""
    for tag, dtype in LOW_PRECISION:
        if tag in name:
            return dtype
    if name.startswith("autocast"):  # the dtype autocast computes in: bf16 on CPU
        return "torch.bfloat16"
    if "float" in name or "fp32" in name or "dtype" in name:
        return FLOAT32
    return None
