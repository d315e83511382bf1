"""AST mutation of jax-xla and tf-xla programs: small named rewrites that keep a program a program.

The counterpart of :mod:`fuzzfox.generation.mutate` (torch) for ``fn(*inputs)`` programs written
with ``jax.numpy``/``lax`` or TensorFlow, over the op registry of
:mod:`fuzzfox.generation.ops.array`.  The operators:

- ``swap_unary``: an elementwise op for another whose domain the argument already satisfies
  (``jnp.sin`` -> ``jnp.tanh``; ``jnp.log`` -> ``jnp.sqrt``, both positive);
- ``swap_binary``: ``+ - * /`` and binary calls (``maximum``, ``power``, ``arctan2``...) for one
  another, divisions only by what cannot be zero;
- ``swap_reduction``: a reduction for another over the same axes (``jnp.max`` -> ``jnp.prod``);
- ``change_axis``: another axis for an axis-taking op (negative ones included), or keepdims flipped;
- ``toggle_flag``: a boolean option flipped (``reverse``, ``exclusive``, ``keepdims``, tf.sort's
  ``direction``);
- ``constants``: a literal moved to a boundary (0, another constant of the program, its negation, an
  integer-valued float, a large magnitude);
- ``shapes``: one input size changed everywhere the same literal size appears in ``make_inputs``
  (and reshape targets, ``one_hot`` depths, ``eye`` sizes that follow it);
- ``dtypes``: float32 <-> float64 (tf: the whole program, since tf does not promote; jax: the whole
  program or one input);
- ``wrap_identity``: a value wrapped in an identity pair (a transpose pair, a reshape round trip, a
  cast round trip through float64, expand_dims/squeeze, a flip pair, a double negation);
- ``insert_op``: a registry op applied to a float value (elementwise, with a scalar, along an axis,
  or a keepdims reduction), its argument taken into the op's domain first when needed.

What is known of values (rank, float or not) comes from a small static inference over
``make_inputs`` and straight-line ``fn`` code, so a mutant can still fail at run time; the
campaign counts those like any other invalid program.  Nothing here imports a framework.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import math
import random
from collections.abc import Callable, Collection, Iterator

from fuzzfox.generation.literals import (
    elements_of as _elements_of,
)
from fuzzfox.generation.literals import (
    int_value as _int_value,
)
from fuzzfox.generation.literals import (
    is_int as _is_int,
)
from fuzzfox.generation.literals import (
    is_number as _is_number,
)
from fuzzfox.generation.literals import (
    keyword as _keyword,
)
from fuzzfox.generation.literals import (
    number as _number,
)
from fuzzfox.generation.literals import (
    option_edits as _option_edits,
)
from fuzzfox.generation.literals import (
    stored_names as _stored_names,
)
from fuzzfox.generation.mutate import mutant_program
from fuzzfox.generation.ops import array as ops
from fuzzfox.generation.ops import enums
from fuzzfox.generation.ops.array import ArrayOp
from fuzzfox.program import Program
from fuzzfox.program_ast import (
    ENTRY_FUNCTION,
    INPUTS_FUNCTION,
    dotted_name,
    import_aliases,
    named,
)
from fuzzfox.program_ast import (
    call_name as _call_name,
)

MAX_SIZE = 12
EXTRA_STEPS = 3  # steps tried beyond the ones asked for when those left the program unchanged
MAX_INPUT_ELEMENTS = 1024
MAX_CONSTANT = 1024.0
LARGE = (100.0, 1000.0)
FLOATS = ("float32", "float64")
DTYPE_NAMES = frozenset({"float16", "float32", "float64"})
DTYPE_MODULES = frozenset({"numpy", "jax.numpy", "tensorflow"})
OPERATOR_OPS: dict[type[ast.operator], str] = {
    ast.Add: "add",
    ast.Sub: "subtract",
    ast.Mult: "multiply",
    ast.Div: "divide",
}
# Keywords whose values are structure (axes, sizes, layouts), never perturbed as numbers.
STRUCTURAL_KEYWORDS = frozenset(
    {"axis", "axes", "perm", "shape", "k", "shift", "reps", "depth", "ord", "window_strides", "padding"}
    | {"dimension_numbers", "feature_group_count", "strides", "rhs_dilation", "lhs_dilation", "dtype"}
    | {"size", "num", "batch_dims", "dimension", "keepdims", "reverse", "exclusive", "approximate"}
    | {"on_value", "off_value"}  # one-hot labels: a cross entropy needs them to stay a distribution
)
# Elementwise ops that take complex arguments and keep them complex in both frameworks.
COMPLEX_SAFE = frozenset({"sin", "cos", "tanh", "sinh", "cosh", "exp", "square", "negative"})
# numpy / Generator draws in make_inputs: where their size argument is (position, keyword).
SIZED_DRAWS: dict[str, tuple[int, str]] = {
    "standard_normal": (0, "size"), "random": (0, "size"), "zeros": (0, "shape"), "ones": (0, "shape"),
    "uniform": (2, "size"), "normal": (2, "size"), "integers": (2, "size"), "randint": (2, "size"),
    "choice": (1, "size"), "exponential": (1, "size"), "full": (0, "shape"), "empty": (0, "shape"),
}  # fmt: skip
VARIADIC_DRAWS = frozenset({"randn", "rand"})  # np.random.randn(3, 4)
COUNT_DRAWS: dict[str, int] = {"permutation": 0, "arange": -1, "linspace": 2, "eye": 0}
INT_DRAWS = frozenset({"integers", "randint", "permutation"})
# Calls whose positional arguments are all counts or sizes, and calls whose first argument is an
# array and the rest sizes, axes or counts.
COUNT_CALLS = frozenset({"range", "arange", "eye", "zeros", "ones", "empty", "linspace"})
ARRAY_FIRST_CALLS = frozenset(
    {"reshape", "broadcast_to", "transpose", "top_k", "one_hot", "tile", "pad", "expand_dims", "squeeze"}
    | {"roll", "swapaxes", "moveaxis", "split", "flip", "reverse"}
)


@dataclasses.dataclass(frozen=True)
class Fact:
    """What the inference knows of a value: its rank and whether it is floating (None: unknown)."""

    rank: int | None = None
    floating: bool | None = None


UNKNOWN = Fact()


def detect_target(program: Program, tree: ast.Module) -> str | None:
    if program.target in ops.TARGETS:
        return program.target
    modules = set(import_aliases(tree).values())
    if any(m == "tensorflow" or m.startswith("tensorflow.") for m in modules):
        return ops.TF
    if any(m == "jax" or m.startswith("jax.") for m in modules):
        return ops.JAX
    return None


class ArrayAst:
    """A program's tree with what operators need: imports, ``fn``, ``make_inputs``, parent links, facts."""

    def __init__(self, tree: ast.Module, target: str) -> None:
        self.tree = tree
        self.target = target
        self.aliases = import_aliases(tree)
        self.parents: dict[ast.AST, ast.AST] = {
            child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)
        }
        functions = named(tree.body, ast.FunctionDef)
        self.fn = functions.get(ENTRY_FUNCTION)
        self.inputs = functions.get(INPUTS_FUNCTION)
        self.known = ops.recognizer(target)
        self.facts: dict[str, Fact] = {}
        self.input_facts: list[Fact] = []
        if self.fn is not None:
            self._infer()

    # ---- finding things

    def dotted(self, node: ast.AST) -> str | None:
        """``jnp.sin`` -> ``"jax.numpy.sin"``; None when the root is not an import."""
        return dotted_name(node, self.aliases)

    def op_of(self, node: ast.AST) -> ArrayOp | None:
        """The registry op a call is (recognized by its resolved name), or None."""
        if not isinstance(node, ast.Call) or not node.args or isinstance(node.args[0], ast.Starred):
            return None
        name = self.dotted(node.func)
        return self.known.get(name) if name else None

    def fn_nodes(self, nested: bool = True) -> Iterator[ast.AST]:
        """The nodes of ``fn``; without ``nested``, not those inside lambdas or inner functions."""
        if self.fn is None:
            return
        stack: list[ast.AST] = list(self.fn.body)
        while stack:
            node = stack.pop()
            yield node
            if not nested and isinstance(node, (ast.Lambda, ast.FunctionDef)):
                continue
            stack.extend(ast.iter_child_nodes(node))

    def in_structure(self, node: ast.AST) -> bool:
        """Inside a subscript, a structural keyword, or the size arguments of a size-taking call."""
        child, parent = node, self.parents.get(node)
        while parent is not None and not isinstance(parent, ast.stmt):
            if isinstance(parent, ast.Subscript) and child is parent.slice:
                return True
            if isinstance(parent, ast.keyword) and parent.arg in STRUCTURAL_KEYWORDS:
                return True
            if isinstance(parent, ast.Call) and child in parent.args and self._structural(parent, child):
                return True
            child, parent = parent, self.parents.get(parent)
        return False

    def _structural(self, call: ast.Call, argument: ast.AST) -> bool:
        """Whether a positional argument is a size, axis or count (``x.reshape(3, 4)``,
        ``jnp.transpose(x, (1, 0))``, ``range(3)``, ``lax.fori_loop(0, 4, ...)``), not an array."""
        name = _call_name(call)
        position = call.args.index(argument)  # type: ignore[arg-type]
        if name in COUNT_CALLS:
            return True
        if name == "fori_loop":
            return position < 2
        if name in ARRAY_FIRST_CALLS:
            is_method = isinstance(call.func, ast.Attribute) and self.dotted(call.func) is None
            return is_method or position >= 1
        return False

    def fact(self, node: ast.AST) -> Fact:
        return _fact(self, node, self.facts)

    # ---- changing things

    def replace(self, old: ast.AST, new: ast.AST) -> None:
        parent = self.parents[old]
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
            elif isinstance(value, list):
                value[:] = [new if item is old else item for item in value]
        self.parents[new] = parent

    def can_spell(self, source: str) -> bool:
        """Whether every module alias ``source`` uses is (or can be) imported under that name."""
        for alias in _aliases_in(source):
            bound = self.aliases.get(alias)
            if bound is not None and bound != ops.IMPORTS[alias][1]:
                return False
        return True

    def ensure_imports(self, source: str) -> None:
        for alias in _aliases_in(source):
            if alias in self.aliases:
                continue
            statement = ast.parse(ops.IMPORTS[alias][0]).body[0]
            self.tree.body.insert(0, statement)
            self.aliases[alias] = ops.IMPORTS[alias][1]

    def expression(self, source: str, operands: dict[str, ast.expr]) -> ast.expr | None:
        """``source`` (with ``__name__`` markers for ``operands``) parsed, the operands put in."""
        if not self.can_spell(source):
            return None
        self.ensure_imports(source)
        tree = ast.parse(source, mode="eval").body
        return _substitute(tree, operands)

    def render(
        self, op: ArrayOp, arguments: dict[str, str], operands: dict[str, ast.expr]
    ) -> ast.expr | None:
        """``op``'s template with text ``arguments`` and AST ``operands`` (``x``, ``y``)."""
        if not op.supports(self.target):
            return None
        text = op.render(self.target, {**arguments, **{key: _marker(key) for key in operands}})
        return self.expression(text, {_marker(key): node for key, node in operands.items()})

    # ---- inference

    def _infer(self) -> None:
        assert self.fn is not None
        self.input_facts = _input_facts(self)
        params = [a.arg for a in [*self.fn.args.posonlyargs, *self.fn.args.args]]
        for index, name in enumerate(params):
            self.facts[name] = self.input_facts[index] if index < len(self.input_facts) else UNKNOWN
        for statement in self.fn.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name):
                    self.facts[target.id] = self.fact(statement.value)
                else:
                    for name in _stored_names(target):
                        self.facts[name] = UNKNOWN


# ---------------------------------------------------------------------------------------- the driver

Operator = Callable[[ArrayAst, random.Random], bool]


def mutate(
    program: Program, rng: random.Random, mutations: int = 1, operators: Collection[str] | None = None
) -> Program | None:
    """A mutant made by ``mutations`` applicable operators drawn from ``rng``; None if none applies.

    ``operators`` restricts the draw to some names of :data:`OPERATORS`.  The mutant's header keeps
    the parent's keys but ``description``, with ``origin: mutate:<op>[+<op>...]`` and
    ``parent: <parent id>`` (as :func:`fuzzfox.generation.mutate.mutate` writes them).
    """
    try:
        tree = ast.parse(program.source)
    except SyntaxError:
        return None
    target = detect_target(program, tree)
    if target is None:
        return None
    original = ast.dump(tree)
    names = [name for name in OPERATORS if operators is None or name in operators]
    applied: list[str] = []
    steps = max(1, mutations)
    while len(applied) < steps + EXTRA_STEPS:
        step = _apply_one(tree, target, names, rng)
        if step is None:
            break
        tree, name = step
        applied.append(name)
        # Two steps may undo each other (float32 -> float64 -> float32): then take another.
        if len(applied) >= steps and ast.dump(tree) != original:
            break
    if not applied or ast.dump(tree) == original:
        return None
    return mutant_program(program, tree, applied)


def _apply_one(
    tree: ast.Module, target: str, names: list[str], rng: random.Random
) -> tuple[ast.Module, str] | None:
    """Try the operators in a random order on copies of the tree; the first that applies wins."""
    for name in rng.sample(names, len(names)):
        candidate = copy.deepcopy(tree)
        program = ArrayAst(candidate, target)
        if program.fn is None or program.inputs is None:
            return None
        if OPERATORS[name](program, rng):
            return candidate, name
    return None


# ------------------------------------------------------------------------------------------ op swaps


def _unary_sites(program: ArrayAst) -> list[tuple[ast.expr, ArrayOp | None, ast.expr]]:
    """(node, op, operand): elementwise registry calls and ``x ** <int>`` (integer_pow)."""
    sites: list[tuple[ast.expr, ArrayOp | None, ast.expr]] = []
    for node in program.fn_nodes():
        op = program.op_of(node)
        if op is not None and op.kind == ops.ELEMENTWISE and op.arity == 1:
            sites.append((node, op, node.args[0]))  # type: ignore[attr-defined]
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Pow)
            and _int_value(node.right) is not None
            and not program.in_structure(node)
        ):
            sites.append((node, ops.BY_NAME["integer_pow"], node.left))
    return sites


def swap_unary(program: ArrayAst, rng: random.Random) -> bool:
    """One elementwise op for another whose domain the argument is already known to satisfy."""
    sites = _unary_sites(program)
    if not sites:
        return False
    node, old, operand = rng.choice(sites)
    domain = old.domains[0] if old is not None else ops.REAL
    rank = program.fact(operand).rank
    complex_program = _is_complex(program)
    choices = [
        op
        for op in ops.ops_for(program.target, (ops.ELEMENTWISE,))
        if op is not old
        and op.domains[0] in (ops.REAL, domain)
        and (op.min_rank == 0 or (rank is not None and rank >= op.min_rank))
        and (not complex_program or op.name in COMPLEX_SAFE)
    ]
    rng.shuffle(choices)
    for op in choices:
        new = program.render(op, _params(op, rng), {"x": operand})
        if new is not None:
            program.replace(node, new)
            return True
    return False


def _binary_sites(program: ArrayAst) -> list[tuple[ast.expr, ArrayOp, ast.expr, ast.expr]]:
    """(node, op, left, right): ``+ - * /`` on arrays and binary registry calls."""
    sites = []
    for node in program.fn_nodes():
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATOR_OPS:
            if (_is_number(node.left) and _is_number(node.right)) or program.in_structure(node):
                continue
            if _is_text(node.left) or _is_text(node.right):
                continue
            sites.append((node, ops.BY_NAME[OPERATOR_OPS[type(node.op)]], node.left, node.right))
        else:
            op = program.op_of(node)
            if op is not None and op.kind == ops.BINARY and op.broadcasts and len(node.args) >= 2:  # type: ignore[attr-defined]
                sites.append((node, op, node.args[0], node.args[1]))  # type: ignore[attr-defined]
    return sites


def swap_binary(program: ArrayAst, rng: random.Random) -> bool:
    """``+ - * /`` and binary calls for one another; a division only by what cannot be zero."""
    sites = _binary_sites(program)
    if not sites:
        return False
    node, old, left, right = rng.choice(sites)
    right_value = _number_value(right)
    right_positive = right_value is not None and right_value > 0
    domains = [old.domains[0], ops.POSITIVE if right_positive else old.domains[1]]
    choices = []
    for op in ops.ops_for(program.target, (ops.BINARY,)):
        if op is old or not op.broadcasts:
            continue
        if not all(
            wanted == ops.REAL or wanted in ops.IMPLIES[have]
            for wanted, have in zip(op.domains, domains, strict=True)
        ):
            continue
        operator = (op.template(program.target) or "").startswith("{x} ")
        if not operator and _is_complex(program):
            continue  # the calls take real arguments only
        if program.target == ops.TF and not operator and _is_number(left):
            continue  # tf's binary calls take their dtype from a tensor first argument
        choices.append(op)
    rng.shuffle(choices)
    for op in choices:
        new = program.render(op, _params(op, rng), {"x": left, "y": right})
        if new is not None:
            program.replace(node, new)
            return True
    return False


def _reduction_sites(program: ArrayAst) -> list[tuple[ast.Call, ArrayOp]]:
    return [
        (node, op)  # type: ignore[misc]
        for node in program.fn_nodes()
        if (op := program.op_of(node)) is not None and op.kind == ops.REDUCE
    ]


def _axis_node(call: ast.Call, op: ArrayOp, target: str) -> ast.expr | None:
    """The axis argument of a reduction or axis-wise call: the keyword, or the second positional
    argument when the op's signature has the axis there (``jnp.sum(x, 0)``, not ``tf.roll(x, 1)``)."""
    given = _keyword(call, "axis")
    if given is not None:
        return given
    if len(call.args) >= 2 and "({x}, axis={axis}" in (op.template(target) or ""):
        return call.args[1]
    return None


def swap_reduction(program: ArrayAst, rng: random.Random) -> bool:
    """A reduction for another over the same axes, with the same keepdims."""
    sites = _reduction_sites(program)
    if not sites:
        return False
    call, old = rng.choice(sites)
    axis = _axis_node(call, old, program.target)
    axis_text = ast.unparse(axis) if axis is not None else "None"
    keep = _keyword(call, "keepdims")
    keep_text = ast.unparse(keep) if keep is not None else "False"
    several = isinstance(axis, (ast.Tuple, ast.List))
    choices = [
        op
        for op in ops.ops_for(program.target, (ops.REDUCE,))
        if op is not old and not (several and op.axis == ops.ONE_AXIS)
    ]
    rng.shuffle(choices)
    for op in choices:
        arguments = {**_params(op, rng), "axis": axis_text, "keepdims": keep_text}
        new = program.render(op, arguments, {"x": call.args[0]})
        if new is not None:
            program.replace(call, new)
            return True
    return False


def change_axis(program: ArrayAst, rng: random.Random) -> bool:
    """Another axis (a negative one, None or several for reductions) for an axis-taking op, or a
    reduction's keepdims flipped."""
    sites = []
    for node in program.fn_nodes():
        op = program.op_of(node)
        if op is None or op.axis == ops.NO_AXIS or op.kind not in (ops.REDUCE, ops.AXISWISE):
            continue
        axis = _axis_node(node, op, program.target)  # type: ignore[arg-type]
        if axis is None and op.kind == ops.AXISWISE:
            continue
        sites.append((node, op, axis))
    if not sites:
        return False
    call, op, axis = rng.choice(sites)
    if op.kind == ops.REDUCE and rng.random() < 0.3:
        keep = _keyword(call, "keepdims")
        flipped = not (isinstance(keep, ast.Constant) and keep.value is True)
        _set_keyword(call, "keepdims", ast.Constant(flipped))
        return True
    current = _axis_values(axis)
    rank = program.fact(call.args[0]).rank
    if rank is None:
        rank = max([v + 1 if v >= 0 else -v for v in current or [0]], default=1)
    if rank == 0:
        return False
    low = -rank if op.negative_axis else 0
    choices: list[str] = [str(a) for a in range(low, rank) if [a] != current]
    if op.axis == ops.MANY_AXES:
        choices += ["None"] if axis is not None else []
        if rank >= 2:
            pair = sorted(rng.sample(range(rank), 2))
            choices.append(
                f"({pair[0]}, {pair[1]})" if program.target == ops.JAX else f"[{pair[0]}, {pair[1]}]"
            )
    if _is_list_axis(program, call, op):
        choices = [f"[{c}]" for c in choices if c.lstrip("-").isdigit()]
    if not choices:
        return False
    new = ast.parse(rng.choice(choices), mode="eval").body
    if axis is None:
        _set_keyword(call, "axis", new)
    else:
        program.replace(axis, new)
    return True


def _is_list_axis(program: ArrayAst, call: ast.Call, op: ArrayOp) -> bool:
    """tf.reverse takes its axes as a list."""
    return "axis=[{axis}]" in (op.template(program.target) or "")


def _axis_values(node: ast.AST | None) -> list[int]:
    if node is None:
        return []
    elements = node.elts if isinstance(node, (ast.Tuple, ast.List)) else [node]
    values = [_int_value(e) for e in elements]
    return [v for v in values if v is not None]


def toggle_flag(program: ArrayAst, rng: random.Random) -> bool:
    """One option of ``fn``'s calls moved to another of its documented values: a bool keyword
    flipped (keepdims, reverse, exclusive, adjoint, unit_diagonal...) or a text enum swapped
    within its set (tf.sort's direction, a pad mode, SAME/VALID padding): the non-default branch
    of a gradient rule or lowering."""
    edits = _option_edits(program.fn_nodes(), enums.ARRAY, program.replace)
    if not edits:
        return False
    rng.choice(edits)(rng)
    return True


# ---------------------------------------------------------------------------------------- constants


def perturb_constant(program: ArrayAst, rng: random.Random) -> bool:
    """One literal of ``fn`` moved toward a boundary: 0, another constant of the program, its
    negation, an integer-valued float, a large magnitude (ints: only exponents and arithmetic)."""
    sites = _constant_sites(program)
    if not sites:
        return False
    node, value = rng.choice(sites)
    others = [v for _, v in sites if v != value and isinstance(v, float)]
    new = _perturbed(value, others, rng, denominator=_is_denominator(program, node))
    if new is None:
        return False
    program.replace(node, _number(new))
    return True


def _constant_sites(program: ArrayAst) -> list[tuple[ast.expr, int | float]]:
    sites: list[tuple[ast.expr, int | float]] = []
    signed_inner: set[int] = set()
    for node in program.fn_nodes():
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and _is_number(node.operand):
            signed_inner.add(id(node.operand))
            sites.append((node, -node.operand.value))  # type: ignore[attr-defined]
    for node in program.fn_nodes():
        if _is_number(node) and id(node) not in signed_inner:
            sites.append((node, node.value))  # type: ignore[attr-defined]
    return [(node, value) for node, value in sites if _perturbable(program, node, value)]


def _perturbable(program: ArrayAst, node: ast.expr, value: int | float) -> bool:
    if program.in_structure(node) or abs(value) >= MAX_CONSTANT:
        return False
    parent = program.parents.get(node)
    if isinstance(value, float):
        return True
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Pow) and parent.right is node:
        return True
    if isinstance(parent, ast.BinOp) and type(parent.op) in OPERATOR_OPS:
        other = parent.right if parent.left is node else parent.left
        return not _is_number(other)
    return False


def _is_denominator(program: ArrayAst, node: ast.expr) -> bool:
    parent = program.parents.get(node)
    return (
        isinstance(parent, ast.BinOp) and isinstance(parent.op, (ast.Div, ast.Pow)) and parent.right is node
    )


def _perturbed(
    value: int | float, others: list[float], rng: random.Random, denominator: bool
) -> int | float | None:
    for _ in range(12):
        if isinstance(value, int):
            new: int | float = rng.choice([value + 1, value - 1, -value, 2, 3, 4, -1, 1])
            if denominator and new <= 0:
                continue
        else:
            boundary = [0.0, -value, float(round(value)), float(math.floor(value) + 1), 1.0, -1.0]
            nearby = [value * 2, value / 2, 1e-3]
            new = rng.choice([*boundary, *nearby, *LARGE, *(others or [0.0])])
            new = float(f"{new:.6g}")
            if denominator and new == 0.0:
                continue
        if new != value and abs(new) < MAX_CONSTANT:
            return new
    return None


# ------------------------------------------------------------------------------------------- shapes


def resize_inputs(program: ArrayAst, rng: random.Random) -> bool:
    """Change one input size everywhere the same literal size appears (inputs, reshapes, depths)."""
    assert program.inputs is not None
    reshapes = _input_reshapes(program)
    frozen = _frozen_sizes(program, reshapes)
    input_sizes = [size for size in _input_sizes(program) if id(size) not in frozen]
    totals = {_reshape_total(call) for call in reshapes}  # a count a reshape splits: not resized alone
    values = sorted({size.value for size in input_sizes if size.value > 1} - totals)
    if not values:
        return False
    old = rng.choice(values)
    sites = input_sizes + _fn_sizes(program)
    matching = [size for size in sites if size.value == old]
    ranges = [(start, stop) for start, stop in _fn_ranges(program) if stop.value - start.value == old]
    for _ in range(8):
        new = rng.choice([old // 2, old * 2, old + 1, old - 1, 1, rng.randint(2, MAX_SIZE)])
        if new == old or not 1 <= new <= MAX_SIZE:
            continue
        before = {id(call): _reshape_total(call) for call in reshapes}
        for size in matching:
            size.value = new
        if all(_draw_elements(program, call) <= MAX_INPUT_ELEMENTS for call in _input_draws(program)):
            for call in reshapes:
                _follow_reshape(program, call, before[id(call)])
            for start, stop in ranges:
                stop.value = start.value + new
            return True
        for size in matching:
            size.value = old
    return False


def _draw_name(program: ArrayAst, call: ast.Call) -> str | None:
    """``np.random.randn`` / ``rng.standard_normal`` / ``np.eye`` -> the draw's name."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    name = func.attr
    dotted = program.dotted(func) or ""
    if dotted.startswith("numpy.") or isinstance(func.value, ast.Name):
        known = name in SIZED_DRAWS or name in VARIADIC_DRAWS or name in COUNT_DRAWS
        return name if known else None
    return None


def _input_draws(program: ArrayAst) -> list[ast.Call]:
    assert program.inputs is not None
    return [
        node for node in ast.walk(program.inputs) if isinstance(node, ast.Call) and _draw_name(program, node)
    ]


def _draw_sizes(program: ArrayAst, call: ast.Call) -> list[ast.Constant]:
    """The literal size ints of one draw (its shape, or its count for permutation/arange/eye)."""
    name = _draw_name(program, call)
    elements: list[ast.AST] = []
    if name in VARIADIC_DRAWS:
        elements = list(call.args)
    elif name in SIZED_DRAWS:
        position, keyword = SIZED_DRAWS[name]
        given = _keyword(call, keyword)
        if given is None and len(call.args) > position:
            given = call.args[position]
        elements = _elements_of(given) if given is not None else []
        if name in ("integers", "randint") and len(call.args) >= 2:
            elements.append(call.args[1])  # the exclusive bound follows a dimension it indexes
    elif name in COUNT_DRAWS:
        position = COUNT_DRAWS[name]
        if name == "arange":
            position = 1 if len(call.args) >= 2 else 0
        if len(call.args) > position:
            elements = [call.args[position]]
    return [e for e in elements if _is_int(e)]  # type: ignore[misc]


def _input_sizes(program: ArrayAst) -> list[ast.Constant]:
    """Literal sizes in make_inputs: draws' shapes and counts, ``.reshape`` targets, ``range`` counts."""
    assert program.inputs is not None
    sizes: list[ast.Constant] = []
    for call in _input_draws(program):
        sizes.extend(_draw_sizes(program, call))
    for node in ast.walk(program.inputs):
        if isinstance(node, ast.Call) and _call_name(node) in ("reshape", "range"):
            arguments = node.args[1:] if program.dotted(node.func) == "numpy.reshape" else node.args
            for argument in arguments:
                sizes.extend(e for e in _elements_of(argument) if _is_int(e))  # type: ignore[misc]
    return sizes


def _fn_sizes(program: ArrayAst) -> list[ast.Constant]:
    """Literal sizes in fn that follow the inputs: reshape/broadcast targets, one_hot depths, eyes,
    arange bounds."""
    sizes: list[ast.AST] = []
    for node in program.fn_nodes():
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name in ("reshape", "broadcast_to"):
            is_function = program.dotted(node.func) is not None
            for argument in node.args[1:] if is_function else node.args:
                sizes.extend(_elements_of(argument))
            given = _keyword(node, "shape") or _keyword(node, "newshape")
            sizes.extend(_elements_of(given) if given is not None else [])
        elif name in ("one_hot",) and len(node.args) >= 2:
            sizes.append(node.args[1])
        elif name == "eye" and node.args:
            sizes.append(node.args[0])
    return [size for size in sizes if _is_int(size)]  # type: ignore[misc]


def _fn_ranges(program: ArrayAst) -> list[tuple[ast.Constant, ast.Constant]]:
    """``jnp.arange(1, 7)`` in fn: a length (6) that may be an input's size."""
    found = []
    for node in program.fn_nodes():
        if _call_name(node) == "arange" and len(node.args) >= 2:  # type: ignore[attr-defined]
            start, stop = node.args[0], node.args[1]  # type: ignore[attr-defined]
            if _is_int(start) and _is_int(stop):
                found.append((start, stop))
    return found  # type: ignore[return-value]


def _input_reshapes(program: ArrayAst) -> list[ast.Call]:
    assert program.inputs is not None
    return [
        node
        for node in ast.walk(program.inputs)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "reshape"
    ]


def _reshape_total(call: ast.Call) -> int | None:
    elements = [e for argument in call.args for e in _elements_of(argument)]
    values = [_int_value(e) for e in elements]
    if not values or any(v is None or v < 0 for v in values):
        return None
    return math.prod(values)  # type: ignore[arg-type]


def _reshape_sources(program: ArrayAst, call: ast.Call) -> list[ast.AST]:
    """What a ``.reshape`` in make_inputs reshapes: its receiver and, through names, what they
    were assigned (``values = ...permutation(24)...; values.reshape(4, 6)``)."""
    assert isinstance(call.func, ast.Attribute) and program.inputs is not None
    assigned = {
        node.targets[0].id: node.value
        for node in ast.walk(program.inputs)
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
    }
    sources: list[ast.AST] = [call.func.value]
    seen: set[str] = set()
    for source in sources:  # grows while it is walked
        for node in ast.walk(source):
            if isinstance(node, ast.Name) and node.id in assigned and node.id not in seen:
                seen.add(node.id)
                sources.append(assigned[node.id])
    return sources


def _reshape_draw_sizes(program: ArrayAst, call: ast.Call) -> list[ast.Constant]:
    return [
        size
        for source in _reshape_sources(program, call)
        for node in ast.walk(source)
        if isinstance(node, ast.Call) and _draw_name(program, node)
        for size in _draw_sizes(program, node)
    ]


def _frozen_sizes(program: ArrayAst, reshapes: list[ast.Call]) -> set[int]:
    """Sizes that cannot change: those feeding a reshape whose total they do not simply equal
    (``np.concatenate([uniform(.., 8), uniform(.., 8)]).reshape(4, 4)``), and its target's sizes."""
    frozen: set[int] = set()
    for call in reshapes:
        total = _reshape_total(call)
        feeding = _reshape_draw_sizes(program, call)
        if total is not None and feeding and all(size.value == total for size in feeding):
            continue
        frozen |= {id(size) for size in feeding}
        frozen |= {id(e) for argument in call.args for e in _elements_of(argument)}
    return frozen


def _follow_reshape(program: ArrayAst, call: ast.Call, old_total: int | None) -> None:
    """``np.random.permutation(24).reshape(4, 6)``: when the 4 became 5, the 24 becomes 30."""
    new_total = _reshape_total(call)
    if old_total is None or new_total is None or old_total == new_total:
        return
    for size in _reshape_draw_sizes(program, call):
        if size.value == old_total:
            size.value = new_total


def _draw_elements(program: ArrayAst, call: ast.Call) -> int:
    name = _draw_name(program, call)
    if name in COUNT_DRAWS:
        return 1
    values = [_int_value(e) for e in _draw_sizes(program, call)]
    if name in ("integers", "randint") and len(call.args) >= 2 and values:
        values = values[:-1] if _is_int(call.args[1]) else values
    return math.prod(v for v in values if v is not None and v > 0)


# ------------------------------------------------------------------------------------------- dtypes


def _dtype_nodes(program: ArrayAst) -> list[ast.Attribute]:
    """``np.float32``, ``jnp.float64``, ``tf.float32``... anywhere in the program."""
    found = []
    for node in ast.walk(program.tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in DTYPE_NAMES
            and program.dotted(node.value) in DTYPE_MODULES
        ):
            found.append(node)
    return found


def change_dtypes(program: ArrayAst, rng: random.Random) -> bool:
    """float32 <-> float64: the whole program (tf, which does not promote; jax sometimes) or one
    input's cast in make_inputs (jax promotes mixed floats)."""
    nodes = _dtype_nodes(program)
    if not nodes:
        return False
    assert program.inputs is not None
    in_inputs = {id(n) for n in ast.walk(program.inputs)}
    lax_calls = any(
        (program.dotted(node.func) or "").startswith("jax.lax.")
        for node in program.fn_nodes()
        if isinstance(node, ast.Call)
    )
    if program.target == ops.JAX and not lax_calls and rng.random() < 0.5:
        chosen = [n for n in nodes if id(n) in in_inputs]
        if chosen:
            node = rng.choice(chosen)
            node.attr = rng.choice([d for d in FLOATS if d != node.attr])
            return True
    present = sorted({n.attr for n in nodes})
    new = rng.choice([d for d in FLOATS if present != [d]])
    for node in nodes:
        node.attr = new
    return True


# --------------------------------------------------------------------------------- wraps and inserts


def _value_sites(program: ArrayAst, floating: bool) -> list[tuple[ast.expr, Fact]]:
    """Array values of fn that an expression may wrap: names with a known fact, and registry calls
    (not inside subscripts, structural arguments, call positions, lambdas, or assignment targets)."""
    sites = []
    for node in program.fn_nodes(nested=False):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            fact = program.facts.get(node.id)
            if fact is None or fact == UNKNOWN:
                continue
        elif isinstance(node, ast.Call) and program.op_of(node) is not None:
            fact = program.fact(node)
            if fact == UNKNOWN:
                fact = Fact(None, True)
        else:
            continue
        parent = program.parents.get(node)
        if (isinstance(parent, ast.Call) and parent.func is node) or isinstance(parent, ast.Attribute):
            continue
        if program.in_structure(node) or _in_lambda(program, node):
            continue
        if floating and fact.floating is not True:
            continue
        sites.append((node, fact))
    return sites


def _in_lambda(program: ArrayAst, node: ast.AST) -> bool:
    parent = program.parents.get(node)
    while parent is not None and parent is not program.fn:
        if isinstance(parent, (ast.Lambda, ast.FunctionDef)):
            return True
        parent = program.parents.get(parent)
    return False


WRAPPERS: dict[str, dict[str, str]] = {
    ops.JAX: {
        "transpose_pair": "jnp.transpose(jnp.transpose(__e__))",
        "permute_pair": "jnp.transpose(jnp.transpose(__e__, {perm}), {inverse})",
        "reshape_round_trip": "jnp.reshape(jnp.reshape(__e__, (-1,)), jnp.shape(__e__))",
        "cast_round_trip": "__e__.astype(jnp.float64).astype(__e__.dtype)",
        "expand_squeeze": "jnp.squeeze(jnp.expand_dims(__e__, 0), 0)",
        "flip_pair": "jnp.flip(jnp.flip(__e__, axis={axis}), axis={axis})",
        "negate_pair": "jnp.negative(jnp.negative(__e__))",
    },
    ops.TF: {
        "transpose_pair": "tf.transpose(tf.transpose(__e__))",
        "permute_pair": "tf.transpose(tf.transpose(__e__, perm={perm}), perm={inverse})",
        "reshape_round_trip": "tf.reshape(tf.reshape(__e__, [-1]), tf.shape(__e__))",
        "cast_round_trip": "tf.cast(tf.cast(__e__, tf.float64), __e__.dtype)",
        "expand_squeeze": "tf.squeeze(tf.expand_dims(__e__, 0), 0)",
        "flip_pair": "tf.reverse(tf.reverse(__e__, axis=[{axis}]), axis=[{axis}])",
        "negate_pair": "tf.negative(tf.negative(__e__))",
    },
}


def wrap_identity(program: ArrayAst, rng: random.Random) -> bool:
    """A value wrapped in an identity pair: the compiler should see through it, autodiff too."""
    sites = _value_sites(program, floating=False)
    if not sites:
        return False
    node, fact = rng.choice(sites)
    complex_program = _is_complex(program)
    names = [
        name
        for name in WRAPPERS[program.target]
        if (name != "permute_pair" or (fact.rank or 0) >= 2)
        and (name != "flip_pair" or (fact.rank or 0) >= 1)
        and (name != "cast_round_trip" or not complex_program)
        and (name != "negate_pair" or fact.floating is True)
    ]
    name = rng.choice(names)
    arguments: dict[str, str] = {}
    if name == "permute_pair":
        assert fact.rank is not None
        order = list(range(fact.rank))
        while order == sorted(order):
            rng.shuffle(order)
        inverse = [order.index(i) for i in range(fact.rank)]
        arguments = {"perm": _sequence(program, order), "inverse": _sequence(program, inverse)}
    elif name == "flip_pair":
        assert fact.rank is not None
        arguments = {"axis": str(rng.randint(-fact.rank, fact.rank - 1))}
    source = WRAPPERS[program.target][name].format(**arguments)
    new = program.expression(source, {"__e__": node})
    if new is None:
        return False
    program.replace(node, new)
    return True


def insert_op(program: ArrayAst, rng: random.Random) -> bool:
    """A registry op applied to a float value: elementwise (its argument taken into its domain),
    with a scalar, along an axis, or a keepdims reduction; zero-derivative ops as ``v * op(v)``."""
    sites = _value_sites(program, floating=True)
    if not sites:
        return False
    node, fact = rng.choice(sites)
    rank = fact.rank
    choices = [
        op
        for op in ops.ops_for(program.target, (ops.ELEMENTWISE, ops.BINARY, ops.AXISWISE, ops.REDUCE))
        if (op.kind == ops.ELEMENTWISE and (op.min_rank == 0 or (rank or 0) >= op.min_rank))
        or (op.kind == ops.BINARY and op.broadcasts and _takes_scalar(program, op))
        or (
            op.kind in (ops.AXISWISE, ops.REDUCE)
            and (rank or 0) >= 1
            and not op.takes_input_shift(program.target)  # a new input: more than a mutation in place
        )
    ]
    if _is_complex(program):  # a value the inference calls float may be complex
        choices = [op for op in choices if op.name in COMPLEX_SAFE]
    op = rng.choice(choices)
    arguments = _params(op, rng)
    operands: dict[str, ast.expr] = {}
    x_source = ops.adapt(program.target, op.domains[0], "__x__")
    if op.kind == ops.BINARY:
        arguments["y"] = rng.choice(
            ("2.0", "0.5", "1.5", "3.0") if op.domains[1] != ops.REAL else ("2.0", "-1.0", "0.5")
        )
    if op.kind in (ops.AXISWISE, ops.REDUCE):
        assert rank is not None
        low = -rank if op.negative_axis else 0
        axis = rng.randint(low, rank - 1)
        arguments["axis"] = str(axis)
        arguments["keepdims"] = "True"
        window = [1] * rank
        window[axis] = 2
        arguments["window"] = _sequence(program, window)
        arguments["strides"] = _sequence(program, [1] * rank)
    text = op.render(program.target, {**arguments, "x": "__x__"})
    if not op.differentiable:
        text = f"__x__ * {text}"
    source = text.replace("__x__", f"({x_source})") if x_source != "__x__" else text
    operands["__x__"] = node
    new = program.expression(source, operands)
    if new is None:
        return False
    program.replace(node, new)
    return True


def _is_complex(program: ArrayAst) -> bool:
    """Whether the program may compute complex values (the inference does not track them)."""
    text = ast.unparse(program.tree)
    return "complex" in text or "1j" in text or "conj" in text


def _takes_scalar(program: ArrayAst, op: ArrayOp) -> bool:
    """Whether ``op(x, <python float>)`` works: operators, jax's calls, tf's elementwise calls."""
    template = op.template(program.target) or ""
    return (
        template.startswith("{x} ") or program.target == ops.JAX or op.name in ("maximum", "minimum", "power")
    )


OPERATORS: dict[str, Operator] = {
    "shapes": resize_inputs,
    "dtypes": change_dtypes,
    "constants": perturb_constant,
    "swap_unary": swap_unary,
    "swap_binary": swap_binary,
    "swap_reduction": swap_reduction,
    "change_axis": change_axis,
    "toggle_flag": toggle_flag,
    "wrap_identity": wrap_identity,
    "insert_op": insert_op,
}


# ---------------------------------------------------------------------------------------- inference


def _input_facts(program: ArrayAst) -> list[Fact]:
    """Facts of make_inputs' return values, in order (UNKNOWN where the draw is not understood)."""
    if program.inputs is None:
        return []
    env: dict[str, ast.expr] = {}
    returned: ast.expr | None = None
    for statement in ast.walk(program.inputs):
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            if isinstance(statement.targets[0], ast.Name):
                env[statement.targets[0].id] = statement.value
        elif isinstance(statement, ast.Return):
            returned = statement.value
    if returned is None:
        return []
    elements = returned.elts if isinstance(returned, (ast.Tuple, ast.List)) else [returned]
    return [_input_fact(program, element, env, 0) for element in elements]


def _input_fact(program: ArrayAst, node: ast.AST, env: dict[str, ast.expr], depth: int) -> Fact:
    if depth > 12:
        return UNKNOWN
    recurse = lambda child: _input_fact(program, child, env, depth + 1)  # noqa: E731
    if isinstance(node, ast.Name):
        return recurse(env[node.id]) if node.id in env else UNKNOWN
    if _is_number(node):
        return Fact(0, isinstance(node.value, float))  # type: ignore[attr-defined]
    if isinstance(node, ast.UnaryOp):
        return recurse(node.operand)
    if isinstance(node, ast.BinOp):
        return _combine(recurse(node.left), recurse(node.right))
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return UNKNOWN
    attr = node.func.attr
    if attr == "astype" and node.args:
        receiver = recurse(node.func.value)
        return Fact(receiver.rank, _floating_dtype(program, node.args[0]))
    if attr == "reshape":
        arguments = node.args[1:] if program.dotted(node.func) == "numpy.reshape" else node.args
        sizes = [e for a in arguments for e in _elements_of(a)]
        floating = recurse(node.args[0] if program.dotted(node.func) == "numpy.reshape" else node.func.value)
        return Fact(len(sizes), floating.floating)
    if attr in ("stack", "concatenate") and node.args:
        parts = node.args[0]
        first = parts.elt if isinstance(parts, ast.ListComp) else _elements_of(parts)[0]
        inner = recurse(first)
        rank = None if inner.rank is None else inner.rank + (attr == "stack")
        return Fact(rank, inner.floating)
    if attr == "array" and node.args:
        depth_of = 0
        value: ast.AST = node.args[0]
        while isinstance(value, (ast.List, ast.Tuple)) and value.elts:
            depth_of += 1
            value = value.elts[0]
        dtype = _keyword(node, "dtype")
        floating = (
            _floating_dtype(program, dtype)
            if dtype is not None
            else isinstance(getattr(value, "value", 0.0), float)
        )
        return Fact(depth_of, floating)
    name = _draw_name(program, node)
    if name is None:
        return UNKNOWN
    if name in COUNT_DRAWS:
        return Fact(2 if name == "eye" else 1, name not in INT_DRAWS)
    if name in VARIADIC_DRAWS:
        return Fact(len(node.args), True)
    position, keyword = SIZED_DRAWS[name]
    given = _keyword(node, keyword)
    if given is None and len(node.args) > position:
        given = node.args[position]
    rank = 0 if given is None else len(given.elts) if isinstance(given, (ast.Tuple, ast.List)) else 1
    return Fact(rank, name not in INT_DRAWS)


def _floating_dtype(program: ArrayAst, node: ast.AST) -> bool | None:
    if isinstance(node, ast.Attribute):
        if node.attr.startswith(("float", "bfloat")):
            return True
        if node.attr.startswith(("int", "uint", "bool", "complex")):
            return False
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.startswith("float")
    return None


def _combine(first: Fact, second: Fact) -> Fact:
    ranks = [first.rank, second.rank]
    rank = max(ranks) if None not in ranks else None  # type: ignore[type-var]
    floatings = [first.floating, second.floating]
    floating = True if True in floatings else (False if floatings == [False, False] else None)
    return Fact(rank, floating)


def _fact(program: ArrayAst, node: ast.AST, env: dict[str, Fact]) -> Fact:
    if isinstance(node, ast.Name):
        return env.get(node.id, UNKNOWN)
    if _is_number(node):
        return Fact(0, isinstance(node.value, float))  # type: ignore[attr-defined]
    if isinstance(node, ast.UnaryOp):
        return _fact(program, node.operand, env)
    if isinstance(node, ast.BinOp):
        combined = _combine(_fact(program, node.left, env), _fact(program, node.right, env))
        return Fact(combined.rank, True) if isinstance(node.op, ast.Div) else combined
    if isinstance(node, ast.Compare):
        return Fact(
            _combine(_fact(program, node.left, env), _fact(program, node.comparators[0], env)).rank, False
        )
    if not isinstance(node, ast.Call):
        return UNKNOWN
    if isinstance(node.func, ast.Attribute) and node.func.attr == "astype" and node.args:
        return Fact(_fact(program, node.func.value, env).rank, _floating_dtype(program, node.args[0]))
    op = program.op_of(node)
    if op is None:
        return UNKNOWN
    x = _fact(program, node.args[0], env)
    rank = x.rank
    if op.kind == ops.BINARY and len(node.args) >= 2:
        rank = _combine(x, _fact(program, node.args[1], env)).rank
    elif op.kind == ops.REDUCE:
        rank = _reduced_rank(rank, _axis_node(node, op, program.target), _keyword(node, "keepdims"))
    elif op.kind in (ops.PICK, ops.SQUEEZE):
        rank = None if rank is None else rank - 1
    elif op.kind == ops.EXPAND or (op.kind == ops.JOIN and op.name == "stack"):
        rank = None if rank is None else rank + 1
    elif op.kind in (ops.RESHAPE, ops.BROADCAST):
        shape = node.args[1] if len(node.args) >= 2 else _keyword(node, "shape")
        rank = len(shape.elts) if isinstance(shape, (ast.Tuple, ast.List)) else None
    elif op.kind == ops.MATMUL and len(node.args) >= 2:
        rank = _combine(x, _fact(program, node.args[1], env)).rank
    elif op.kind in (ops.JOIN,):
        rank = None
    return Fact(rank, True)


def _reduced_rank(rank: int | None, axis: ast.AST | None, keep: ast.AST | None) -> int | None:
    if rank is None:
        return None
    if isinstance(keep, ast.Constant) and keep.value is True:
        return rank
    if axis is None or (isinstance(axis, ast.Constant) and axis.value is None):
        return 0
    if isinstance(axis, (ast.Tuple, ast.List)):
        return rank - len(axis.elts)
    return rank - 1


# ------------------------------------------------------------------------------------- small helpers


def _params(op: ArrayOp, rng: random.Random) -> dict[str, str]:
    return {param.name: rng.choice(param.values) for param in op.params}


def _sequence(program: ArrayAst, items: list[int]) -> str:
    if program.target == ops.JAX:
        return "(" + ", ".join(map(str, items)) + ("," if len(items) == 1 else "") + ")"
    return "[" + ", ".join(map(str, items)) + "]"


def _marker(key: str) -> str:
    return f"__{key}__"


def _aliases_in(source: str) -> list[str]:
    tree = ast.parse(source, mode="eval")
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in ops.IMPORTS
        ):
            found.append(node.value.id)
    return list(dict.fromkeys(found))


class _Substitute(ast.NodeTransformer):
    def __init__(self, operands: dict[str, ast.expr]) -> None:
        self.operands = operands

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.operands:
            return copy.deepcopy(self.operands[node.id])
        return node


def _substitute(tree: ast.expr, operands: dict[str, ast.expr]) -> ast.expr:
    return _Substitute(operands).visit(tree)


def _set_keyword(call: ast.Call, name: str, value: ast.expr) -> None:
    for keyword in call.keywords:
        if keyword.arg == name:
            keyword.value = value
            return
    call.keywords.append(ast.keyword(name, value))


def _number_value(node: ast.AST) -> float | None:
    if _is_number(node):
        return node.value  # type: ignore[attr-defined]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and _is_number(node.operand):
        return -node.operand.value  # type: ignore[attr-defined]
    return None


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)
