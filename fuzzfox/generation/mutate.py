"""AST mutation of test programs: small named rewrites that keep a program a program.

The campaign mutates programs that already reached an optimization, so the rewrites are small
steps that stay near the pattern while changing what the compiler sees: input sizes (changed
together wherever the same size appears, so shapes stay compatible), dtypes, literal constants
(moved, or negated: a threshold on the other side of zero), operands whose order matters swapped
(``a - b``, ``torch.where`` branches, a clamp's bounds: ``min > max`` is an edge rewrites miss),
an op swapped for a sibling or respelled (``F.relu(x)`` / ``torch.relu(x)`` / ``x.relu()``), and
identity transforms wrapped around a value (a permute and its inverse, a view to the same shape,
a cast round trip, ``.contiguous()``, ``* 1.0``): what Inductor's pointless-* and remove-noop
passes hunt for.  Which ops are siblings, and how each is spelled, is the torch op registry's
(:mod:`fuzzfox.generation.ops.torch`).

Everything works on source text and :mod:`ast`; nothing here imports a framework, so mutants are
made in the campaign process.  What is known about tensors (rank, dtype) comes from a small static
inference over ``make_inputs`` and straight-line ``forward`` code
(:mod:`fuzzfox.generation.tensor_facts`), so a mutant can still fail at run time; the campaign
counts those like any other invalid program.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import functools
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
    is_float_literal as _is_float_literal,
)
from fuzzfox.generation.literals import (
    is_int as _is_int,
)
from fuzzfox.generation.literals import (
    is_method as _is_method,
)
from fuzzfox.generation.literals import (
    is_name as _is_name,
)
from fuzzfox.generation.literals import (
    is_number as _is_number,
)
from fuzzfox.generation.literals import (
    keyword as _keyword,
)
from fuzzfox.generation.literals import (
    keyword_node as _keyword_node,
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
from fuzzfox.generation.ops import enums
from fuzzfox.generation.ops import torch as torch_ops
from fuzzfox.generation.ops.torch.binary import ARITHMETIC, BY_OPERATOR
from fuzzfox.generation.ops.torch.dtypes import CAST_METHOD_DTYPE, FLOAT_DTYPES, INT_DTYPES
from fuzzfox.generation.ops.torch.layers import ACTIVATION_MODULES, LAYER_SIZES
from fuzzfox.generation.ops.torch.op import (
    BINARY,
    CONSTRUCTOR,
    FUNCTIONAL,
    FUNCTIONAL_FORM,
    NN,
    REAL,
    REDUCTION,
    SHAPE,
    SIZE_ARGUMENTS,
    SOFTMAX,
    TORCH,
    UNARY,
    Option,
    TorchOp,
)
from fuzzfox.generation.ops.torch.shapes import DIM_KEYWORDS, METADATA_METHODS
from fuzzfox.generation.tensor_facts import TensorFact, TensorInference, constructor_sizes, dtype_name
from fuzzfox.program import (
    Program,
    ProgramError,
    parse_program,
)
from fuzzfox.program_ast import (
    ENTRY_FUNCTION,
    ENTRY_METHOD,
    INIT_METHOD,
    compute_functions,
    dotted_name,
    import_aliases,
    inputs_function,
    method,
    model_class,
)
from fuzzfox.program_ast import (
    call_name as _call_name,
)

MAX_SIZE = 64
MAX_ELEMENTS = 100_000
MAX_CONSTANT = 1024

CONSTRUCTORS = frozenset(torch_ops.names(CONSTRUCTOR))
FLOAT_CONSTRUCTORS = frozenset(
    op.name for op in torch_ops.family(CONSTRUCTOR) if op.result_dtype in FLOAT_DTYPES
)
# Methods whose arguments are a whole shape (``x.view(2, 3)``, ``x.new_zeros((2, 3))``).
RESHAPE_METHODS = frozenset(op.name for op in torch_ops.family(SHAPE) if op.sizes == SIZE_ARGUMENTS)
# Calls whose arguments are sizes, dims or indices: arithmetic inside them is not tensor math.
INDEX_TAKING = frozenset(torch_ops.names(SHAPE)) | {"range", "arange", "size"} | CONSTRUCTORS
NUMERIC_KEYWORDS = frozenset(
    {"value", "alpha", "beta", "min", "max", "min_val", "max_val", "negative_slope", "threshold", "lambd"}
    | {"exponent", "scale", "eps", "fill_value", "lower", "upper", "momentum", "other"}
)
VALUE_CALLS = frozenset({"pow", "clamp", "clamp_min", "clamp_max", "add", "sub", "mul", "div", "masked_fill"})
SCALAR_BUILTINS = frozenset({"len", "int", "float", "abs", "round", "min", "max"})


class ProgramAst:
    """A program's tree with what operators need to find sites: imports, its parts, parent links."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.aliases = import_aliases(tree)
        self.parents: dict[ast.AST, ast.AST] = {
            child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)
        }
        self.init = method(tree, INIT_METHOD)
        self.inputs = inputs_function(tree)
        self.compute = compute_functions(tree, entry_first=False)
        entry = ENTRY_METHOD if model_class(tree) else ENTRY_FUNCTION
        self.entry = next((f for f in self.compute if f.name == entry), None)
        self.scalar_names: set[str] = set()
        self.scalar_names = self._scalar_names()

    # ---- finding things

    def dotted(self, node: ast.AST) -> str | None:
        """``F.relu`` -> ``"torch.nn.functional.relu"``; None when the root is not an import."""
        return dotted_name(node, self.aliases)

    def nodes(self, functions: list[ast.FunctionDef]) -> Iterator[ast.AST]:
        for function in functions:
            yield from ast.walk(function)

    def calls(self, functions: list[ast.FunctionDef]) -> list[ast.Call]:
        return [node for node in self.nodes(functions) if isinstance(node, ast.Call)]

    @property
    def everywhere(self) -> list[ast.FunctionDef]:
        return [f for f in (self.init, *self.compute, self.inputs) if f is not None]

    @property
    def model_code(self) -> list[ast.FunctionDef]:
        """The functions whose constants are the model's: ``__init__`` and the compute code."""
        return [f for f in (self.init, *self.compute) if f is not None]

    def call_site(self, node: ast.Call, names: Collection[str]) -> CallSite | None:
        """The call as ``torch.name(x, ...)``, ``F.name(x, ...)`` or ``x.name(...)``, if it is one."""
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in names:
            return None
        module = self.dotted(func.value)
        if module in (TORCH, FUNCTIONAL):
            if not node.args or isinstance(node.args[0], ast.Starred):
                return None
            form = "t" if module == TORCH else "f"
            return CallSite(node, func.attr, form, node.args[0], list(node.args[1:]), list(node.keywords))
        if module is not None or _is_name(func.value, "self"):
            return None
        return CallSite(node, func.attr, "m", func.value, list(node.args), list(node.keywords))

    def call_sites(self, names: Collection[str]) -> list[CallSite]:
        sites = (self.call_site(call, names) for call in self.calls(self.compute))
        return [site for site in sites if site is not None]

    def torch_call(self, node: ast.AST, module: str = TORCH) -> str | None:
        """``torch.randn(...)`` -> ``"randn"`` (for the given module), else None."""
        if not isinstance(node, ast.Call):
            return None
        path = self.dotted(node.func)
        if path and path.rpartition(".")[0] == module:
            return path.rpartition(".")[2]
        return None

    def is_scalar(self, node: ast.AST) -> bool:
        """Whether an expression is (almost surely) a Python number rather than a tensor."""
        if isinstance(node, ast.Constant):
            return type(node.value) in (int, float)
        if isinstance(node, ast.UnaryOp):
            return self.is_scalar(node.operand)
        if isinstance(node, ast.BinOp):
            return self.is_scalar(node.left) and self.is_scalar(node.right)
        if isinstance(node, ast.Name):
            return node.id in self.scalar_names
        if isinstance(node, ast.Attribute):
            return node.attr in ("ndim",)
        if isinstance(node, ast.Subscript):
            value = node.value
            return (isinstance(value, ast.Attribute) and value.attr == "shape") or _is_method(value, "size")
        if isinstance(node, ast.Call):
            path = self.dotted(node.func) or ""
            if path.startswith("math."):
                return True
            if isinstance(node.func, ast.Name) and node.func.id in SCALAR_BUILTINS:
                return node.func.id in ("len", "int", "float") or all(self.is_scalar(a) for a in node.args)
            if _is_method(node, "size"):
                return bool(node.args)  # x.size(0) is a number, x.size() a torch.Size
            return isinstance(node.func, ast.Attribute) and node.func.attr in METADATA_METHODS
        return False

    def in_index_context(self, node: ast.AST) -> bool:
        """Inside a subscript, a dim/size keyword, or the arguments of a call taking sizes or dims."""
        child, parent = node, self.parents.get(node)
        while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.stmt)):
            if isinstance(parent, ast.Subscript) and child is parent.slice:
                return True
            if isinstance(parent, ast.keyword) and parent.arg in DIM_KEYWORDS:
                return True
            if (
                isinstance(parent, ast.Call)
                and child is not parent.func
                and _call_name(parent) in INDEX_TAKING
            ):
                return True
            child, parent = parent, self.parents.get(parent)
        return False

    # ---- changing things

    def reference(self, path: str) -> ast.expr:
        """An expression naming ``path`` through the program's own imports (adding ``import torch``)."""
        parts = path.split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            local = next((name for name, target in self.aliases.items() if target == module), None)
            if local is not None:
                node: ast.expr = ast.Name(local, ast.Load())
                for attr in parts[cut:]:
                    node = ast.Attribute(node, attr, ast.Load())
                return node
        self.tree.body.insert(0, ast.Import([ast.alias(parts[0])]))
        self.aliases[parts[0]] = parts[0]
        return self.reference(path)

    def dtype(self, name: str) -> ast.expr:
        return self.reference(f"{TORCH}.{name}")

    def render_call(
        self, name: str, form: str, operand: ast.expr, args: list[ast.expr], keywords: list[ast.keyword]
    ) -> ast.Call:
        if form == "m":
            return ast.Call(ast.Attribute(operand, name, ast.Load()), args, keywords)
        module = TORCH if form == "t" else FUNCTIONAL
        return ast.Call(self.reference(f"{module}.{name}"), [operand, *args], keywords)

    def replace(self, old: ast.AST, new: ast.AST) -> None:
        parent = self.parents[old]
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
            elif isinstance(value, list):
                value[:] = [new if item is old else item for item in value]
        self.parents[new] = parent

    # ---- helpers for the constructor

    def _scalar_names(self) -> set[str]:
        """Names bound to Python numbers in the compute code (``b, s, _ = x.shape``, loop indices)."""
        names = self.scalar_names
        for _ in range(2):  # a second pass sees names defined from names found in the first
            for node in self.nodes(self.compute):
                if isinstance(node, ast.Assign) and self._is_shape_value(node.value):
                    for target in node.targets:
                        names.update(_stored_names(target))
                elif isinstance(node, (ast.For, ast.comprehension)) and _is_range(node.iter):
                    names.update(_stored_names(node.target))
        return names

    def _is_shape_value(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Attribute) and node.attr == "shape":
            return True
        if _is_method(node, "size") and not getattr(node, "args", True):
            return True
        return self.is_scalar(node)


@dataclasses.dataclass
class CallSite:
    """One call of a known op, split into its operand and the rest, whatever its spelling."""

    node: ast.Call
    name: str
    form: str  # "t": torch.name(x, ...), "f": F.name(x, ...), "m": x.name(...)
    operand: ast.expr
    args: list[ast.expr]  # positional arguments after the operand
    keywords: list[ast.keyword]


Operator = Callable[[ProgramAst, random.Random], bool]


# ---------------------------------------------------------------------------------------- the driver


def mutate(
    program: Program, rng: random.Random, mutations: int = 1, operators: Collection[str] | None = None
) -> Program | None:
    """A mutant made by ``mutations`` applicable operators drawn from ``rng``; None if none applies.

    ``operators`` restricts the draw to some names of :data:`OPERATORS`.  The mutant's header keeps
    the parent's keys but ``description``, with ``origin: mutate:<op>[+<op>...]`` and
    ``parent: <parent id>``.
    """
    try:
        tree = ast.parse(program.source)
    except SyntaxError:
        return None
    original = ast.dump(tree)
    names = [name for name in OPERATORS if operators is None or name in operators]
    applied: list[str] = []
    for _ in range(max(1, mutations)):
        step = _apply_one(tree, names, rng)
        if step is None:
            break
        tree, name = step
        applied.append(name)
    if not applied or ast.dump(tree) == original:
        return None
    return mutant_program(program, tree, applied)


def _apply_one(tree: ast.Module, names: list[str], rng: random.Random) -> tuple[ast.Module, str] | None:
    """Try the operators in a random order on copies of the tree; the first that applies wins."""
    for name in rng.sample(names, len(names)):
        candidate = copy.deepcopy(tree)
        if OPERATORS[name](ProgramAst(candidate), rng):
            return candidate, name
    return None


def mutant_program(parent: Program, tree: ast.Module, applied: list[str]) -> Program | None:
    """The mutated tree as a program: the parent's header, ``origin: mutate:<operators>`` and
    ``parent: <id>``; None if it no longer parses (shared by the torch and array mutators)."""
    metadata = {key: value for key, value in parent.metadata.items() if key != "description"}
    metadata["origin"] = "mutate:" + "+".join(applied)
    metadata["parent"] = parent.id
    header = "\n".join(f"# {key}: {value}" for key, value in metadata.items())
    try:
        return parse_program(f"{header}\n{ast.unparse(ast.fix_missing_locations(tree))}\n")
    except (ProgramError, ValueError, RecursionError):
        return None


# ------------------------------------------------------------------------------------------- shapes


def resize_inputs(program: ProgramAst, rng: random.Random) -> bool:
    """Change one input size everywhere the same literal size appears (inputs, layers, views)."""
    if program.inputs is None:
        return False
    input_calls = [c for c in program.calls([program.inputs]) if program.torch_call(c) in CONSTRUCTORS]
    input_sizes = [size for call in input_calls for size in constructor_sizes(program, call)]
    split_lists = _split_lists(program)
    split_totals = {sum(size.value for size in sizes) for sizes in split_lists}
    values = sorted({size.value for size in input_sizes if size.value > 1} - split_totals)
    if not values:
        return False
    old = rng.choice(values)
    sites = input_sizes + _model_sizes(program) + [size for sizes in split_lists for size in sizes]
    matching = [size for size in sites if size.value == old]
    for _ in range(8):
        new = rng.choice(
            [old // 2, old * 2, old + 1, old - 1, 1, rng.randint(2, 16), rng.randint(2, MAX_SIZE)]
        )
        if new == old or not 1 <= new <= MAX_SIZE:
            continue
        if all(_elements(program, call, old, new) <= MAX_ELEMENTS for call in input_calls):
            for size in matching:
                size.value = new
            return True
    return False


def _split_lists(program: ProgramAst) -> list[list[ast.Constant]]:
    """The literal section lists of ``torch.split(x, [2, 3])`` / ``x.split([2, 3], 1)``.

    A size that is one section changes with the inputs; a size that is their total is not resized
    (the sections could not follow it).
    """
    found = []
    for call in program.calls(program.compute):
        if _call_name(call) not in ("split", "split_with_sizes"):
            continue
        is_function = isinstance(call.func, ast.Attribute) and program.dotted(call.func.value) is not None
        positional = call.args[1 if is_function else 0 :]
        given = _keyword(call, "split_size_or_sections") or _keyword(call, "split_sizes")
        sections = given if given is not None else (positional[0] if positional else None)
        if isinstance(sections, (ast.List, ast.Tuple)) and all(_is_int(e) for e in sections.elts):
            found.append(list(sections.elts))
    return found  # type: ignore[return-value]


def _model_sizes(program: ProgramAst) -> list[ast.Constant]:
    """Literal sizes in the model: layer widths, parameter/buffer shapes, view/reshape targets."""
    sizes: list[ast.AST] = []
    for call in program.calls(program.model_code):
        layer = program.torch_call(call, NN)
        if program.torch_call(call) in CONSTRUCTORS:
            sizes.extend(constructor_sizes(program, call))
        elif layer in LAYER_SIZES:
            for position, keyword in LAYER_SIZES[layer]:
                given = _keyword(call, keyword) or (
                    call.args[position] if len(call.args) > position else None
                )
                sizes.extend(_elements_of(given) if given is not None else [])
        elif _shape_argument_call(program, call):
            sizes.extend(_elements_of(call.args[1]))
        elif isinstance(call.func, ast.Attribute) and call.func.attr in RESHAPE_METHODS:
            sizes.extend(_elements_of(call.args[0]) if len(call.args) == 1 else call.args)
    return [size for size in sizes if _is_int(size)]  # type: ignore[misc]


def _shape_argument_call(program: ProgramAst, call: ast.Call) -> bool:
    """``torch.reshape(x, shape)`` and ``F.layer_norm(x, normalized_shape)``."""
    is_reshape = program.torch_call(call) == "reshape"
    return len(call.args) > 1 and (is_reshape or program.torch_call(call, FUNCTIONAL) == "layer_norm")


def _elements(program: ProgramAst, call: ast.Call, old: int, new: int) -> int:
    sizes = [size.value for size in constructor_sizes(program, call)]
    return math.prod(new if size == old else size for size in sizes)


# ------------------------------------------------------------------------------------------- dtypes


def change_dtypes(program: ProgramAst, rng: random.Random) -> bool:
    """Switch the float dtype of the whole program, of one cast, or (in a model without layers) one input.

    One input alone in a model with layers would only meet a dtype mismatch at the first layer.
    """
    inputs = _float_inputs(program)
    casts = _float_casts(program, program.compute)
    weighted = (
        (_retype_program, 3, bool(inputs)),
        (_retype_one_cast, 2, bool(casts)),
        (_retype_one_input, 1, bool(inputs) and not _has_layers(program)),
    )
    variants = [variant for variant, weight, possible in weighted if possible for _ in range(weight)]
    if not variants:
        return False
    return rng.choice(variants)(program, rng)


def _has_layers(program: ProgramAst) -> bool:
    init = [program.init] if program.init else []
    return any(program.torch_call(call, NN) is not None for call in program.calls(init))


def _retype_program(program: ProgramAst, rng: random.Random) -> bool:
    """All float inputs and the model's parameters (``self.to(dtype)``) to one other float dtype."""
    inputs = _float_inputs(program)
    current = [_given_dtype(program, call) or "float32" for call in inputs]
    dtype = rng.choice([d for d in FLOAT_DTYPES if d != max(current, key=current.count)])
    for call in inputs:
        _set_dtype_keyword(program, call, dtype)
    if program.init is not None:
        for cast in _float_casts(program, [program.init]):
            _set_cast(program, cast, dtype)
        to_dtype = ast.Call(
            ast.Attribute(ast.Name("self", ast.Load()), "to", ast.Load()), [program.dtype(dtype)], []
        )
        program.init.body.append(ast.Expr(to_dtype))
    return True


def _retype_one_input(program: ProgramAst, rng: random.Random) -> bool:
    call = rng.choice(_float_inputs(program))
    current = _given_dtype(program, call) or "float32"
    _set_dtype_keyword(program, call, rng.choice([d for d in FLOAT_DTYPES if d != current]))
    return True


def _retype_one_cast(program: ProgramAst, rng: random.Random) -> bool:
    cast = rng.choice(_float_casts(program, program.compute))
    current = _cast_dtype(program, cast)
    _set_cast(program, cast, rng.choice([d for d in FLOAT_DTYPES if d != current]))
    return True


def _float_inputs(program: ProgramAst) -> list[ast.Call]:
    """``make_inputs`` constructors that make float tensors."""
    if program.inputs is None:
        return []
    found = []
    for call in program.calls([program.inputs]):
        name = program.torch_call(call)
        if name not in FLOAT_CONSTRUCTORS:
            continue
        given = _keyword(call, "dtype")
        if given is not None:
            if dtype_name(program, given) in FLOAT_DTYPES:
                found.append(call)
        elif name != "full" or (len(call.args) > 1 and _is_float_literal(call.args[1])):
            found.append(call)
    return found


def _float_casts(program: ProgramAst, functions: list[ast.FunctionDef]) -> list[ast.Call]:
    """``.to(torch.float16)``, ``dtype=torch.float64`` arguments, ``.half()`` and friends."""
    return [call for call in program.calls(functions) if _cast_dtype(program, call) is not None]


def _cast_dtype(program: ProgramAst, call: ast.Call) -> str | None:
    given = _keyword(call, "dtype")
    if given is not None:
        return _float_dtype(program, given)
    if _is_method(call, "to") and call.args:
        return _float_dtype(program, call.args[0])
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in CAST_METHOD_DTYPE and not call.args:
        return CAST_METHOD_DTYPE[func.attr] if program.dotted(func.value) is None else None
    return None


def _set_cast(program: ProgramAst, call: ast.Call, dtype: str) -> None:
    if _keyword(call, "dtype") is not None:
        _set_dtype_keyword(program, call, dtype)
    elif _is_method(call, "to"):
        call.args[0] = program.dtype(dtype)
    else:
        assert isinstance(call.func, ast.Attribute)
        call.func.attr = "to"
        call.args = [program.dtype(dtype)]


def _set_dtype_keyword(program: ProgramAst, call: ast.Call, dtype: str) -> None:
    call.keywords = [k for k in call.keywords if k.arg != "dtype"] + [
        ast.keyword("dtype", program.dtype(dtype))
    ]


def _given_dtype(program: ProgramAst, call: ast.Call) -> str | None:
    given = _keyword(call, "dtype")
    return dtype_name(program, given) if given is not None else None


def _float_dtype(program: ProgramAst, node: ast.AST) -> str | None:
    name = dtype_name(program, node)
    return name if name in FLOAT_DTYPES else None


# ---------------------------------------------------------------------------------------- constants


def perturb_constant(program: ProgramAst, rng: random.Random) -> bool:
    """Change one float or int literal of the model (not a size, dim or index) to a nearby or edge value."""
    sites = _constant_sites(program)
    if not sites:
        return False
    node, value = rng.choice(sites)
    new = _perturbed(value, rng)
    if new is None:
        return False
    program.replace(node, _number(new))
    return True


def _constant_sites(program: ProgramAst) -> list[tuple[ast.expr, int | float]]:
    sites: list[tuple[ast.expr, int | float]] = []
    signed_inner: set[int] = set()
    for node in program.nodes(program.model_code):
        if (
            isinstance(node, ast.UnaryOp)
            and isinstance(node.op, (ast.USub, ast.UAdd))
            and _is_number(node.operand)
        ):
            signed_inner.add(id(node.operand))
            value = node.operand.value  # type: ignore[attr-defined]
            sites.append((node, -value if isinstance(node.op, ast.USub) else value))
        elif _is_number(node) and id(node) not in signed_inner:
            sites.append((node, node.value))  # type: ignore[attr-defined]
    return [(node, value) for node, value in sites if _perturbable(program, node, value)]


def _perturbable(program: ProgramAst, node: ast.expr, value: int | float) -> bool:
    if program.in_index_context(node) or abs(value) >= MAX_CONSTANT:
        return False
    parent = program.parents.get(node)
    if isinstance(parent, ast.keyword):
        return parent.arg in NUMERIC_KEYWORDS or (isinstance(value, float) and parent.arg not in DIM_KEYWORDS)
    if isinstance(value, float):
        return _call_name(parent) != "dropout"
    if isinstance(parent, ast.BinOp) and type(parent.op) in (*BY_OPERATOR, ast.Pow):
        other = parent.right if parent.left is node else parent.left
        return not program.is_scalar(other)
    if isinstance(parent, ast.Compare):
        return not all(program.is_scalar(side) for side in [parent.left, *parent.comparators])
    if isinstance(parent, ast.Call) and _call_name(parent) in VALUE_CALLS:
        is_method = isinstance(parent.func, ast.Attribute) and program.dotted(parent.func.value) is None
        return is_method or (bool(parent.args) and parent.args[0] is not node)
    return False


def _perturbed(value: int | float, rng: random.Random) -> int | float | None:
    for _ in range(10):
        if isinstance(value, int):
            new: int | float = rng.choice(
                [value * 2, value + 1, value - 1, -value, 0, 1, -1, 2, rng.randint(-8, 8)]
            )
        else:
            nearby = [value * 2, value / 2, -value, value + rng.choice((-0.1, 0.1))]
            edges = [0.0, 1.0, -1.0, 1e-6, 1e-3, 100.0, 1000.0, round(rng.uniform(-10, 10), 3)]
            new = rng.choice([*nearby, *edges])
            new = float(f"{new:.6g}")
        if new != value and abs(new) < MAX_CONSTANT:
            return new
    return None


def flip_sign(program: ProgramAst, rng: random.Random) -> bool:
    """Negate one non-zero constant of the model: a threshold, bound, slope or scale moved to the
    other side of zero (the branch of a rewrite that randn-fed programs seldom take)."""
    sites = [(node, value) for node, value in _constant_sites(program) if value != 0]
    if not sites:
        return False
    node, value = rng.choice(sites)
    program.replace(node, _number(-value))
    return True


SWAPPABLE_OPERATORS = (ast.Sub, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
BOUND_KEYWORDS = (("min", "max"), ("min_val", "max_val"), ("lower", "upper"))


def swap_operands(program: ProgramAst, rng: random.Random) -> bool:
    """Swap two operands whose order matters: ``a - b`` -> ``b - a`` (also ``/``, ``//``, ``%``,
    ``**``), ``torch.where(c, a, b)`` -> ``torch.where(c, b, a)``, and a clamp's bounds
    (``clamp(x, lo, hi)`` -> ``clamp(x, hi, lo)``: every element becomes ``lo``, an edge case of
    clamp rewrites)."""
    sites = [*_swappable_binops(program), *_swappable_calls(program)]
    if not sites:
        return False
    first, second = rng.choice(sites)
    first_copy, second_copy = copy.deepcopy(first), copy.deepcopy(second)
    program.replace(first, second_copy)
    program.replace(second, first_copy)
    return True


def _swappable_binops(program: ProgramAst) -> list[tuple[ast.expr, ast.expr]]:
    return [
        (node.left, node.right)
        for node in program.nodes(program.compute)
        if isinstance(node, ast.BinOp)
        and isinstance(node.op, SWAPPABLE_OPERATORS)
        and not all(program.is_scalar(side) for side in (node.left, node.right))
        and not program.in_index_context(node)
        and not any(
            isinstance(side, (ast.List, ast.Tuple, ast.JoinedStr)) for side in (node.left, node.right)
        )
    ]


def _swappable_calls(program: ProgramAst) -> list[tuple[ast.expr, ast.expr]]:
    pairs: list[tuple[ast.expr, ast.expr]] = []
    for call in program.calls(program.compute):
        name = _call_name(call)
        is_method = isinstance(call.func, ast.Attribute) and program.dotted(call.func.value) is None
        if name == "where" and not is_method and len(call.args) == 3:
            pairs.append((call.args[1], call.args[2]))
        elif name in ("clamp", "clip", "hardtanh"):
            for low, high in BOUND_KEYWORDS:
                if (lower := _keyword(call, low)) is not None and (upper := _keyword(call, high)) is not None:
                    pairs.append((lower, upper))
            bounds = call.args if is_method else call.args[1:]
            if len(bounds) == 2:
                pairs.append((bounds[0], bounds[1]))
    return pairs


# -------------------------------------------------------------------------------------------- options


def vary_option(program: ProgramAst, rng: random.Random) -> bool:
    """One optional argument of a model call moved to another of its documented values: a bool
    keyword flipped (``count_include_pad``, ``bias``, ``keepdim``, ``include_self``), a text enum
    for another of its set (``reduction='mean'`` -> ``'sum'``, a pad mode, ``rounding_mode``), or a
    registry op's option the call leaves at its default given (``F.gelu(x)`` ->
    ``F.gelu(x, approximate='tanh')``, ``nn.Softplus()`` -> ``nn.Softplus(beta=2.0)``).

    Decompositions and lowerings branch on these arguments, and programs written with the
    defaults never take the other branch."""
    edits = _option_edits(program.nodes(program.model_code), enums.TORCH, program.replace)
    edits += [functools.partial(_give_option, call, options) for call, options in _unset_options(program)]
    if not edits:
        return False
    rng.choice(edits)(rng)
    return True


def _give_option(call: ast.Call, options: list[Option], rng: random.Random) -> None:
    option = rng.choice(options)
    call.keywords.append(ast.keyword(option.keyword, ast.parse(rng.choice(option.values), mode="eval").body))


def _unset_options(program: ProgramAst) -> list[tuple[ast.Call, list[Option]]]:
    """Calls of registry ops (functional, torch or nn-module spelling) with options they do not give."""
    calls: list[tuple[ast.Call, TorchOp]] = [
        (site.node, torch_ops.lookup(site.name))
        for site in program.call_sites(torch_ops.names(UNARY))
        if site.form != "m"
    ]
    for call in _activation_modules(program):
        module = program.torch_call(call, NN)
        assert module is not None
        calls.append((call, torch_ops.lookup(ACTIVATION_MODULES[module])))
    found: list[tuple[ast.Call, list[Option]]] = []
    for call, op in calls:
        given = {keyword.arg for keyword in call.keywords}
        if unset := [option for option in op.options if option.keyword not in given]:
            found.append((call, unset))
    return found


# ------------------------------------------------------------------------------------------ op swaps


def swap_unary(program: ProgramAst, rng: random.Random) -> bool:
    """One unary pointwise op (call or nn activation module) for another: relu -> gelu, sin -> tanh..."""
    calls: list[CallSite | ast.Call] = [
        *program.call_sites(torch_ops.names(UNARY)),
        *_activation_modules(program),
    ]
    if not calls:
        return False
    site = rng.choice(calls)
    if isinstance(site, ast.Call):  # an nn module class
        assert isinstance(site.func, ast.Attribute)
        current = ACTIVATION_MODULES[site.func.attr]
        name = rng.choice([name for name in ACTIVATION_MODULES.values() if name != current])
        target = torch_ops.lookup(name)
        program.replace(site, ast.Call(program.reference(f"{NN}.{target.module}"), [], _options(target, rng)))
        return True
    # Ops finite on part of the reals only are swapped away from, never to.
    target = rng.choice([op for op in torch_ops.family(UNARY) if op.name != site.name and op.domain == REAL])
    form = site.form if site.form in target.forms else rng.choice(target.forms)
    program.replace(
        site.node, program.render_call(target.name, form, site.operand, [], _options(target, rng))
    )
    return True


def _activation_modules(program: ProgramAst) -> list[ast.Call]:
    return [c for c in program.calls(program.model_code) if program.torch_call(c, NN) in ACTIVATION_MODULES]


def _options(op: TorchOp, rng: random.Random) -> list[ast.keyword]:
    """Sometimes a non-default parameter for a swapped-in op (gelu's tanh approximation...)."""
    return [
        ast.keyword(option.keyword, ast.parse(rng.choice(option.values), mode="eval").body)
        for option in op.options
        if rng.random() < 0.5
    ]


def swap_binary(program: ProgramAst, rng: random.Random) -> bool:
    """add / sub / mul / div / maximum / minimum for one another, as operators or calls."""
    sites: list[ast.BinOp | CallSite] = [*_binop_sites(program), *_binary_call_sites(program)]
    if not sites:
        return False
    site = rng.choice(sites)
    if isinstance(site, ast.BinOp):
        current, left, right = BY_OPERATOR[type(site.op)].name, site.left, site.right
    else:
        current, left, right = site.name, site.operand, site.args[0]
    with_scalar = program.is_scalar(left) or program.is_scalar(right)
    candidates = ARITHMETIC if with_scalar else torch_ops.family(BINARY)
    target = rng.choice([op for op in candidates if op.name != current])
    if isinstance(site, ast.BinOp) and target.operator is not None:
        site.op = target.operator()
        return True
    form = site.form if isinstance(site, CallSite) else rng.choice(target.forms)
    program.replace(
        site if isinstance(site, ast.BinOp) else site.node,
        program.render_call(target.name, form, left, [right], []),
    )
    return True


def _binop_sites(program: ProgramAst) -> list[ast.BinOp]:
    """Tensor arithmetic written with operators (not size arithmetic, not list concatenation)."""
    found = []
    for node in program.nodes(program.compute):
        if not isinstance(node, ast.BinOp) or type(node.op) not in BY_OPERATOR:
            continue
        operands = (node.left, node.right)
        if any(isinstance(o, (ast.List, ast.Tuple, ast.ListComp, ast.JoinedStr)) for o in operands):
            continue
        if any(isinstance(o, ast.Constant) and type(o.value) not in (int, float) for o in operands):
            continue
        if all(program.is_scalar(o) for o in operands) or program.in_index_context(node):
            continue
        found.append(node)
    return found


def _binary_call_sites(program: ProgramAst) -> list[CallSite]:
    sites = program.call_sites(torch_ops.names(BINARY))
    return [s for s in sites if len(s.args) == 1 and _spelled(s) and not program.is_scalar(s.operand)]


def _spelled(site: CallSite) -> bool:
    """Whether the call is one of its op's spellings (``F.add`` is no binary op, ``F.sum`` no reduction)."""
    return site.form in torch_ops.lookup(site.name).forms


def swap_reduction(program: ProgramAst, rng: random.Random) -> bool:
    """sum / mean / amax / amin / prod / var ... for one another, over the same dims."""
    sites = [s for s in program.call_sites(torch_ops.names(REDUCTION)) if _spelled(s)]
    if not sites:
        return False
    site = rng.choice(sites)
    dim, keepdim, others = _reduction_arguments(site)
    dim_node = dim.value if isinstance(dim, ast.keyword) else dim
    target = rng.choice(
        [op for op in torch_ops.family(REDUCTION) if op.name != site.name and _reduces_over(op, dim_node)]
    )
    args = [dim] if isinstance(dim, ast.expr) else []
    keywords = [k for k in (dim, keepdim) if isinstance(k, ast.keyword)]
    keywords += [k for k in others if k.arg == "dtype" and "dtype" in target.keywords]
    program.replace(site.node, program.render_call(target.name, site.form, site.operand, args, keywords))
    return True


def _reduces_over(op: TorchOp, dim: ast.expr | None) -> bool:
    """Whether ``op`` takes ``dim`` as given: none (everything), a tuple of dims, or one."""
    if dim is None:
        return op.reduces_all
    return op.several_dims or not isinstance(dim, (ast.Tuple, ast.List))


def _reduction_arguments(
    site: CallSite,
) -> tuple[ast.expr | ast.keyword | None, ast.keyword | None, list[ast.keyword]]:
    """(dim as given, keepdim as a keyword, other keywords); a positional keepdim becomes a keyword."""
    dim: ast.expr | ast.keyword | None = (
        site.args[0] if site.args else _keyword_node(site.keywords, "dim", "axis")
    )
    keepdim = _keyword_node(site.keywords, "keepdim", "keepdims")
    second = torch_ops.lookup(site.name).positional[1:2]  # var and std take unbiased there
    if keepdim is None and len(site.args) > 1 and second == ("keepdim",):
        keepdim = ast.keyword("keepdim", site.args[1])
    others = [k for k in site.keywords if k is not dim and k is not keepdim]
    return dim, keepdim, others


def swap_softmax(program: ProgramAst, rng: random.Random) -> bool:
    """softmax / log_softmax / softmin for one another, same dim."""
    sites = program.call_sites(torch_ops.names(SOFTMAX))
    if not sites:
        return False
    site = rng.choice(sites)
    target = rng.choice([op for op in torch_ops.family(SOFTMAX) if op.name != site.name])
    has_dim = bool(site.args) or any(k.arg == "dim" for k in site.keywords)
    form = site.form if site.form in target.forms and has_dim else FUNCTIONAL_FORM
    program.replace(site.node, program.render_call(target.name, form, site.operand, site.args, site.keywords))
    return True


def respell_call(program: ProgramAst, rng: random.Random) -> bool:
    """The same op spelled another way: ``F.relu(x)``/``torch.relu(x)``/``x.relu()``; ``a + b``/``a.add(b)``.

    Reductions go between ``torch.sum(x, ...)`` and ``x.sum(...)`` with the same arguments.
    """
    options: list[tuple[ast.AST, Callable[[], ast.expr]]] = []
    for site in program.call_sites({*torch_ops.names(UNARY), *torch_ops.names(SOFTMAX)}):
        op = torch_ops.lookup(site.name)
        forms = op.forms
        if op.family == SOFTMAX and not (site.args or _keyword_node(site.keywords, "dim")):
            forms = FUNCTIONAL_FORM  # torch.softmax and Tensor.softmax require a dim; F.softmax guesses one
        keywords = [k for k in site.keywords if k.arg != "inplace"]
        for form in forms.replace(site.form, ""):
            options.append(
                (site.node, _spelling(program, site.name, form, site.operand, site.args, keywords))
            )
    for site in [s for s in program.call_sites(torch_ops.names(REDUCTION)) if _spelled(s)]:
        for form in torch_ops.lookup(site.name).forms.replace(site.form, ""):
            options.append(
                (site.node, _spelling(program, site.name, form, site.operand, site.args, site.keywords))
            )
    for site in _binary_call_sites(program):
        op = torch_ops.lookup(site.name)
        for form in op.forms.replace(site.form, ""):
            options.append((site.node, _spelling(program, site.name, form, site.operand, site.args, [])))
        if op.operator is not None and not site.keywords:
            options.append((site.node, _operator_spelling(site, op.operator)))
    for node in _binop_sites(program):
        if not program.is_scalar(node.left):
            op = BY_OPERATOR[type(node.op)]
            options.extend(
                (node, _spelling(program, op.name, form, node.left, [node.right], [])) for form in op.forms
            )
    if not options:
        return False
    node, spelled = rng.choice(options)
    program.replace(node, spelled())
    return True


# Dims counted against the operand's rank (``unsqueeze``, ``stack`` and ``diag_embed`` count
# against the result's, one more: their dims are left alone).
DIM_ARGUMENTS = frozenset({"dim", "dims", "dim0", "dim1", "dim2", "start_dim", "end_dim", "axis"})
RESULT_RANK_DIMS = frozenset({"unsqueeze", "stack", "diag_embed"})


def respell_dim(program: ProgramAst, rng: random.Random) -> bool:
    """A dim written from the other end: ``x.sum(dim=1)`` -> ``x.sum(dim=-1)`` on a rank-2 ``x``,
    and back (``d`` <-> ``d - rank``).  The same program to eager; to a compiler, another path
    through every pass and decomposition that canonicalizes a dim, where a negative dim handled
    like a non-negative one is a classic bug.  Only dim keywords of calls whose operand's rank
    the static inference knows."""
    entry = program.entry
    if entry is None:
        return False
    facts = {id(node): fact for node, fact in TensorInference(program).sites()}
    sites: list[tuple[ast.expr, int, int]] = []
    for call in program.calls([entry]):
        operand = _operand(program, call)
        rank = facts[id(operand)].rank if operand is not None and id(operand) in facts else None
        if not rank or _call_name(call) in RESULT_RANK_DIMS:
            continue
        for keyword in call.keywords:
            if keyword.arg in DIM_ARGUMENTS:
                for element in _elements_of(keyword.value):
                    value = _int_value(element)
                    if value is not None and -rank <= value < rank:
                        sites.append((element, value, rank))  # type: ignore[arg-type]
    if not sites:
        return False
    node, value, rank = rng.choice(sites)
    program.replace(node, _number(value - rank if value >= 0 else value + rank))
    return True


def _operand(program: ProgramAst, call: ast.Call) -> ast.expr | None:
    """The tensor a call works on: a method's receiver, a function's first argument."""
    if isinstance(call.func, ast.Attribute) and program.dotted(call.func.value) is None:
        return call.func.value
    return call.args[0] if call.args else None


def _spelling(
    program: ProgramAst,
    name: str,
    form: str,
    operand: ast.expr,
    args: list[ast.expr],
    keywords: list[ast.keyword],
) -> Callable[[], ast.expr]:
    return lambda: program.render_call(name, form, operand, args, keywords)


def _operator_spelling(site: CallSite, operator: type[ast.operator]) -> Callable[[], ast.expr]:
    return lambda: ast.BinOp(site.operand, operator(), site.args[0])


# ----------------------------------------------------------------------------- identity insertions


def _wrap_sites(
    program: ProgramAst, accept: Callable[[ast.expr, TensorFact], bool]
) -> list[tuple[ast.expr, TensorFact]]:
    return [(node, fact) for node, fact in TensorInference(program).sites() if accept(node, fact)]


def insert_permute_pair(program: ProgramAst, rng: random.Random) -> bool:
    """``e`` -> ``e.permute(p).permute(p_inverse)`` or ``e.transpose(a, b).transpose(a, b)`` (rank >= 2)."""
    sites = _wrap_sites(program, lambda node, fact: (fact.rank or 0) >= 2)
    if not sites:
        return False
    node, fact = rng.choice(sites)
    rank = fact.rank or 2
    if rng.random() < 0.5:
        order = list(range(rank))
        while order == sorted(order):
            rng.shuffle(order)
        inverse = [order.index(i) for i in range(rank)]
        wrapped = _method(_method(node, "permute", *order), "permute", *inverse)
    else:
        a, b = rng.sample(range(rank), 2)
        a, b = (a - rank if rng.random() < 0.5 else a), b
        wrapped = _method(_method(node, "transpose", a, b), "transpose", a, b)
    program.replace(node, wrapped)
    return True


def insert_view(program: ProgramAst, rng: random.Random) -> bool:
    """``x`` -> ``x.view(x.shape)`` / ``x.reshape(-1).reshape(x.shape)``; else ``e.unsqueeze(0).squeeze(0)``.

    Only a name can be repeated in ``.view(x.shape)``; any other expression gets the rank-free pair.
    """
    sites = _wrap_sites(program, lambda node, fact: True)
    if not sites:
        return False
    node, _ = rng.choice(sites)
    if isinstance(node, ast.Name):
        shape = ast.Attribute(ast.Name(node.id, ast.Load()), "shape", ast.Load())
        choices = [
            lambda: _method(node, "view", shape),
            lambda: _method(_method(node, "reshape", -1), "reshape", shape),
            lambda: _method(_method(node, "flatten"), "view", shape),
        ]
    else:
        dim = rng.choice((0, -1))
        choices = [lambda: _method(_method(node, "unsqueeze", dim), "squeeze", dim)]
    program.replace(node, rng.choice(choices)())
    return True


def insert_cast_round_trip(program: ProgramAst, rng: random.Random) -> bool:
    """``e`` -> ``e.to(torch.float16).to(<e's dtype>)`` (or via bfloat16 / float64 / float32)."""
    sites = _wrap_sites(program, lambda node, fact: isinstance(node, ast.Name) or fact.dtype is not None)
    if not sites:
        return False
    node, fact = rng.choice(sites)
    if fact.dtype in FLOAT_DTYPES or fact.dtype is None:
        middle = rng.choice([d for d in FLOAT_DTYPES if d != fact.dtype])
    else:
        middle = "float64"  # exact for the integers and booleans a program holds
    if isinstance(node, ast.Name):
        back: ast.expr = ast.Attribute(ast.Name(node.id, ast.Load()), "dtype", ast.Load())
    else:
        back = program.dtype(fact.dtype)  # type: ignore[arg-type]
    program.replace(node, _method(_method(node, "to", program.dtype(middle)), "to", back))
    return True


def insert_identity(program: ProgramAst, rng: random.Random) -> bool:
    """``e`` -> ``e.contiguous()``, ``e.clone()``, ``e * 1.0``, ``e + 0.0``, ``e / 1.0``."""
    sites = _wrap_sites(program, lambda node, fact: True)
    if not sites:
        return False
    node, fact = rng.choice(sites)
    choices: list[Callable[[], ast.expr]] = [
        lambda: _method(node, "contiguous"),
        lambda: _method(node, "clone"),
    ]
    if fact.dtype not in INT_DTYPES:
        choices += [
            lambda: ast.BinOp(node, ast.Mult(), ast.Constant(1.0)),
            lambda: ast.BinOp(node, ast.Add(), ast.Constant(0.0)),
            lambda: ast.BinOp(node, ast.Div(), ast.Constant(1.0)),
        ]
    program.replace(node, rng.choice(choices)())
    return True


# The same shape in another layout: a graph input with strides Inductor must index by
# (column-major, strided, stride 0 through expand, sliced, a storage offset, channels-last), a
# known source of lowering bugs.
LAYOUTS_2D = (
    "E.transpose(0, 1).contiguous().transpose(0, 1)",
    "TORCH.stack([E, E], dim=-1)[..., 0]",
    "E[:1].expand(E.shape)",
    "TORCH.cat([E, E], dim=-1)[..., ::2]",
    "TORCH.cat([E, E], dim=0)[E.shape[0]:]",
)
LAYOUT_4D = "E.contiguous(memory_format=TORCH.channels_last)"
# Data-dependent values and shapes in the result: ``.item()`` (an unbacked scalar), a boolean
# mask and ``nonzero`` (intermediates of data-dependent size).  Each is continuous in E: an
# element within rounding of the mask's edge adds about 0 either way.  (A count of the mask, or
# ``unique(E.round()).numel()``, turns a 1-ulp difference into a whole unit: the first campaign
# with these reported exactly that as a wrong value.)
DATA_DEPENDENT = (
    "E * (E.detach().abs().amax().item() + 1.0)",
    "E + E[E > 0].sum()",
    "E + E.flatten()[TORCH.nonzero(E.flatten() > 0).flatten()].sum()",
)


def _template(text: str, program: ProgramAst, expression: ast.expr) -> ast.expr:
    """``text`` with ``E`` standing for ``expression`` and ``TORCH`` for the program's torch."""
    torch_name = next((alias for alias, module in program.aliases.items() if module == TORCH), TORCH)
    tree = ast.parse(text.replace("TORCH", torch_name), mode="eval").body

    class Substitute(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            return copy.deepcopy(expression) if node.id == "E" else node

    return Substitute().visit(tree)


def relayout_input(program: ProgramAst, rng: random.Random) -> bool:
    """One input of ``make_inputs`` built with the same shape in another memory layout."""
    if program.inputs is None:
        return False
    returns = [n.value for n in ast.walk(program.inputs) if isinstance(n, ast.Return) and n.value]
    elements = [e for value in returns for e in (value.elts if isinstance(value, ast.Tuple) else [value])]
    sites = [
        (element, len(constructor_sizes(program, element)))
        for element in elements
        if program.torch_call(element) in CONSTRUCTORS and len(constructor_sizes(program, element)) >= 2
    ]
    if not sites:
        return False
    element, rank = rng.choice(sites)
    choices = [*LAYOUTS_2D, *((LAYOUT_4D,) if rank == 4 else ())]
    program.replace(element, _template(rng.choice(choices), program, element))
    return True


def make_data_dependent(program: ProgramAst, rng: random.Random) -> bool:
    """The entry's returned tensor combined with a data-dependent scalar or size."""
    if program.entry is None:
        return False
    parameters = {a.arg for a in program.entry.args.args}
    returns = [n for n in ast.walk(program.entry) if isinstance(n, ast.Return) and n.value is not None]
    single = [
        n
        for n in returns
        if not isinstance(n.value, (ast.Tuple, ast.List, ast.Dict, ast.Constant))
        and not (isinstance(n.value, ast.Name) and n.value.id in parameters)  # nothing computed
    ]
    if not single:
        return False
    node = rng.choice(single)
    assert node.value is not None
    node.value = _template(rng.choice(DATA_DEPENDENT), program, node.value)
    return True


# ------------------------------------------------------------------------------------------- registry

OPERATORS: dict[str, Operator] = {
    "shapes": resize_inputs,
    "dtypes": change_dtypes,
    "constants": perturb_constant,
    "flip_sign": flip_sign,
    "swap_operands": swap_operands,
    "swap_unary": swap_unary,
    "swap_binary": swap_binary,
    "swap_reduction": swap_reduction,
    "swap_softmax": swap_softmax,
    "respell": respell_call,
    "respell_dim": respell_dim,
    "insert_permute": insert_permute_pair,
    "insert_view": insert_view,
    "insert_cast": insert_cast_round_trip,
    "insert_identity": insert_identity,
    "relayout_input": relayout_input,
    "data_dependent": make_data_dependent,
    "options": vary_option,
}


# ------------------------------------------------------------------------------------- small helpers


def _is_range(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range"


def _method(receiver: ast.expr, name: str, *args: ast.expr | int) -> ast.Call:
    nodes = [_number(a) if isinstance(a, int) else a for a in args]
    return ast.Call(ast.Attribute(receiver, name, ast.Load()), nodes, [])
