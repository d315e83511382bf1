"""What is known statically about the tensors of a torch test program: their rank and dtype.

A small inference over ``make_inputs``, ``__init__`` (layers, parameters, buffers) and the
straight-line code of the entry function, by the op registry's knowledge of what each op does to
rank and dtype.  Mutation reads it to find the tensor-valued expressions a wrapper can go around
(a permute pair, a cast round trip...); it is a guess, so a mutant can still fail at run time.
Nothing here imports a framework.
"""

from __future__ import annotations

import ast
import dataclasses
from typing import TYPE_CHECKING

from fuzzfox.generation.literals import elements_of as _elements_of
from fuzzfox.generation.literals import int_value as _int_value
from fuzzfox.generation.literals import is_float_literal as _is_float_literal
from fuzzfox.generation.literals import is_int as _is_int
from fuzzfox.generation.literals import is_method as _is_method
from fuzzfox.generation.literals import is_name as _is_name
from fuzzfox.generation.literals import keyword as _keyword
from fuzzfox.generation.literals import keyword_node as _keyword_node
from fuzzfox.generation.literals import stored_names as _stored_names
from fuzzfox.generation.ops import torch as torch_ops
from fuzzfox.generation.ops.torch.dtypes import CAST_METHOD_DTYPE, DTYPE_ALIASES, FLOAT_DTYPES, INT_DTYPES
from fuzzfox.generation.ops.torch.layers import ACTIVATION_MODULES
from fuzzfox.generation.ops.torch.op import (
    BINARY,
    CONSTRUCTOR,
    FUNCTIONAL,
    LAYER,
    NN,
    REDUCTION,
    SIZE_ARGUMENTS,
    SIZE_FIRST,
    SIZE_TUPLE,
    SOFTMAX,
    TORCH,
    UNARY,
)
from fuzzfox.generation.ops.torch.shapes import DIM_KEYWORDS, METADATA_METHODS
from fuzzfox.program_ast import call_name as _call_name

if TYPE_CHECKING:
    from fuzzfox.generation.mutate import ProgramAst

CONSTRUCTORS = {op.name: op for op in torch_ops.family(CONSTRUCTOR)}
REDUCTIONS = frozenset(torch_ops.names(REDUCTION))


@dataclasses.dataclass(frozen=True)
class TensorFact:
    """What is known statically about a tensor-valued expression (None: not known)."""

    rank: int | None = None
    dtype: str | None = None


SAME_SHAPE_CALLS = (
    frozenset(torch_ops.names(UNARY))
    | frozenset(torch_ops.names(SOFTMAX))
    | {"contiguous", "clone", "detach", "masked_fill", "clamp", "clamp_min", "clamp_max", "cumsum", "cumprod"}
    | {"lerp", "addcmul", "addcdiv", "nan_to_num", "flip", "roll", "tril", "triu", "dropout", "layer_norm"}
    | {
        "batch_norm",
        "group_norm",
        "normalize",
        "index_put",
        "index_put_",
        "scatter",
        "scatter_",
        "fill_",
        "zero_",
    }
    | {"copy_", "masked_fill_", "add_", "sub_", "mul_", "div_", "clamp_", "relu_", "requires_grad_", "t"}
    | {"transpose", "type_as", "hardtanh", "logit", "linear", "conv1d", "conv2d", "conv3d", "glu"}
    | {"scaled_dot_product_attention"}
)  # fmt: skip (same rank and dtype as the first tensor, which is all TensorFact records)
BROADCAST_CALLS = frozenset(torch_ops.names(BINARY)) | {"pow", "fmod", "remainder", "atan2"}
# nn classes whose result has the rank and dtype of their input, and those of a fixed rank.
RANK_KEEPING_LAYERS = frozenset(op.name for op in torch_ops.family(LAYER) if op.keeps_rank) | frozenset(
    ACTIVATION_MODULES
)
LAYER_RANKS = {op.name: op.result_rank for op in torch_ops.family(LAYER) if op.result_rank is not None}


class TensorInference:
    """Ranks and dtypes of the values in ``forward``/``fn``, from ``make_inputs`` and ``__init__``."""

    def __init__(self, program: ProgramAst) -> None:
        self.program = program
        self.layers: dict[str, str] = {}  # self.<attr> -> nn class name
        self.attributes: dict[str, TensorFact] = {}  # self.<attr> -> a parameter or buffer
        if program.init is not None:
            self._read_init(program.init)

    def sites(self) -> list[tuple[ast.expr, TensorFact]]:
        """Tensor-valued expressions of the entry function that a wrapper can go around."""
        entry = self.program.entry
        if entry is None:
            return []
        env = self._parameter_facts(entry)
        found: list[tuple[ast.expr, TensorFact]] = []
        for statement in entry.body:
            value = _statement_value(statement)
            if value is not None:
                for node in ast.walk(value):
                    fact = self.fact(node, env) if isinstance(node, (ast.Name, ast.Call, ast.BinOp)) else None
                    if fact is not None and self._wrappable(node):
                        found.append((node, fact))  # type: ignore[arg-type]
            self._bind(statement, env)
        return found

    def fact(self, node: ast.AST, env: dict[str, TensorFact]) -> TensorFact | None:
        """What is known about an expression, or None if it may not be a tensor."""
        if isinstance(node, ast.Name):
            return env.get(node.id)
        if isinstance(node, ast.Attribute) and _is_name(node.value, "self"):
            return self.attributes.get(node.attr)
        if isinstance(node, ast.UnaryOp):
            return self.fact(node.operand, env)
        if isinstance(node, ast.BinOp):
            return self._binary_fact(node, env)
        if isinstance(node, ast.Compare):
            facts = [self.fact(n, env) for n in (node.left, *node.comparators)]
            tensors = [f for f in facts if f is not None]
            return TensorFact(_broadcast_rank(*tensors), "bool") if tensors else None
        if isinstance(node, ast.Subscript):
            base = self.fact(node.value, env)
            return TensorFact(None, base.dtype) if base else None
        if isinstance(node, ast.Call):
            return self._call_fact(node, env)
        return None

    def _binary_fact(self, node: ast.BinOp, env: dict[str, TensorFact]) -> TensorFact | None:
        left, right = self.fact(node.left, env), self.fact(node.right, env)
        if left is None and right is None:
            return None
        if isinstance(node.op, ast.MatMult):
            return _matmul_fact(left, right)
        tensors = [f for f in (left, right) if f is not None]
        dtypes = {f.dtype for f in tensors}
        dtype = dtypes.pop() if len(dtypes) == 1 else None
        scalar = node.right if left is not None and right is None else node.left
        if (dtype in INT_DTYPES and _is_float_literal(scalar)) or isinstance(node.op, ast.Div):
            dtype = dtype if dtype in FLOAT_DTYPES else None
        return TensorFact(_broadcast_rank(*tensors), dtype)

    def _call_fact(self, node: ast.Call, env: dict[str, TensorFact]) -> TensorFact | None:
        program = self.program
        func = node.func
        if not isinstance(func, ast.Attribute):
            return None
        if _is_name(func.value, "self"):
            return self._layer_fact(func.attr, node, env)
        module = program.dotted(func.value)
        if module in (TORCH, FUNCTIONAL, NN):
            return self._function_fact(func.attr, node, env)
        if module is not None:
            return None
        receiver = self.fact(func.value, env)
        return self._method_fact(func.attr, receiver, node, env) if receiver is not None else None

    def _layer_fact(self, attr: str, node: ast.Call, env: dict[str, TensorFact]) -> TensorFact | None:
        layer = self.layers.get(attr)
        first = self.fact(node.args[0], env) if node.args else None
        if layer is None or first is None:
            return None
        if layer in RANK_KEEPING_LAYERS:
            return first
        if layer in LAYER_RANKS:
            return TensorFact(LAYER_RANKS[layer], first.dtype)
        return None

    def _function_fact(self, name: str, node: ast.Call, env: dict[str, TensorFact]) -> TensorFact | None:
        args = node.args
        first = self.fact(args[0], env) if args else None
        constructor = CONSTRUCTORS.get(name)
        if constructor is not None:
            sizes = constructor_sizes(self.program, node)
            given = _keyword(node, "dtype")
            dtype = dtype_name(self.program, given) if given is not None else constructor.result_dtype
            explicit = len(args) if constructor.sizes == SIZE_ARGUMENTS and len(args) != 1 else None
            return TensorFact(explicit if explicit is not None else (len(sizes) or None), dtype)
        if name == "Parameter":
            return first
        if name in ("cat", "concat", "stack") and args and isinstance(args[0], (ast.List, ast.Tuple)):
            parts = [self.fact(e, env) for e in args[0].elts]
            if not parts or parts[0] is None:
                return None
            extra = 1 if name == "stack" and parts[0].rank is not None else 0
            return TensorFact(parts[0].rank + extra if parts[0].rank is not None else None, parts[0].dtype)
        if name in ("matmul", "mm", "bmm") and len(args) > 1:
            return _matmul_fact(first, self.fact(args[1], env))
        if name == "where" and len(args) == 3:
            facts = [f for f in (self.fact(a, env) for a in args) if f is not None]
            values = [f for f in (self.fact(a, env) for a in args[1:]) if f is not None]
            return TensorFact(_broadcast_rank(*facts), values[0].dtype if values else None) if facts else None
        if first is None:
            return None
        return self._method_fact(name, first, node, env, skip=1)

    def _method_fact(
        self, name: str, receiver: TensorFact, node: ast.Call, env: dict[str, TensorFact], skip: int = 0
    ) -> TensorFact | None:
        """``receiver.name(args)`` (or ``torch.name(receiver, args)`` when ``skip`` is 1)."""
        args = node.args[skip:]
        rank = receiver.rank
        if name in CAST_METHOD_DTYPE and not args:
            return TensorFact(rank, CAST_METHOD_DTYPE[name])
        if name == "to":
            target = args[0] if args else _keyword(node, "dtype")
            return TensorFact(rank, dtype_name(self.program, target) if target is not None else None)
        if name in BROADCAST_CALLS:
            other = self.fact(args[0], env) if args else None
            return TensorFact(_broadcast_rank(receiver, other) if other else rank, receiver.dtype)
        if name in SAME_SHAPE_CALLS:
            return receiver
        if name in ("view", "reshape", "permute", "expand"):
            return TensorFact(_size_count(self, args, env), receiver.dtype)
        if name in ("unsqueeze", "squeeze", "flatten"):
            return TensorFact(_reshaped_rank(name, rank, args), receiver.dtype)
        if name in REDUCTIONS or name in ("argmax", "argmin", "norm"):
            dtype = "int64" if name.startswith("arg") else receiver.dtype
            return TensorFact(_reduced_rank(rank, args, node.keywords), dtype)
        if name in ("matmul", "mm", "bmm") and args:
            return _matmul_fact(receiver, self.fact(args[0], env))
        return None

    def _parameter_facts(self, entry: ast.FunctionDef) -> dict[str, TensorFact]:
        names = [a.arg for a in [*entry.args.posonlyargs, *entry.args.args] if a.arg != "self"]
        inputs = self._input_facts()
        facts: dict[str, TensorFact] = {}
        for position, name in enumerate(names):
            fact = inputs[min(position, len(inputs) - 1)] if inputs else TensorFact()
            if fact is not None:
                facts[name] = fact
        return facts

    def _input_facts(self) -> list[TensorFact | None]:
        """The facts of what ``make_inputs`` returns, in order (a generator's one fact stands for all)."""
        inputs = self.program.inputs
        if inputs is None:
            return []
        env: dict[str, TensorFact] = {}
        returned: ast.expr | None = None
        for statement in inputs.body:
            self._bind(statement, env)
            if isinstance(statement, ast.Return):
                returned = statement.value
        if isinstance(returned, (ast.Tuple, ast.List)):
            return [self.fact(e, env) for e in returned.elts]
        if isinstance(returned, ast.Call) and isinstance(returned.func, ast.Name) and returned.args:
            generated = returned.args[0]
            if returned.func.id in ("tuple", "list") and isinstance(
                generated, (ast.GeneratorExp, ast.ListComp)
            ):
                return [self.fact(generated.elt, env)]
        return [self.fact(returned, env)] if returned is not None else []

    def _bind(self, statement: ast.stmt, env: dict[str, TensorFact]) -> None:
        """Update the environment for the names a statement assigns."""
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                fact = self.fact(statement.value, env)
                env.pop(target.id, None) if fact is None else env.__setitem__(target.id, fact)
                return
            if isinstance(target, (ast.Tuple, ast.List)) and _call_name(statement.value) in (
                "split",
                "chunk",
                "unbind",
            ):
                source = statement.value
                assert isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute)
                base = self.fact(
                    source.args[0] if self.program.dotted(source.func.value) else source.func.value, env
                )
                for name in _stored_names(target):
                    env[name] = TensorFact(None, base.dtype) if base else TensorFact()
                return
        for node in ast.walk(statement):
            if (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Store)
                and not isinstance(statement, ast.AugAssign)
            ):
                env.pop(node.id, None)

    def _read_init(self, init: ast.FunctionDef) -> None:
        for node in ast.walk(init):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Attribute) and _is_name(target.value, "self"):
                    self._read_attribute(target.attr, node.value)
            elif _is_method(node, "register_buffer") and len(node.args) == 2:  # type: ignore[arg-type]
                name = node.args[0]  # type: ignore[attr-defined]
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    self._read_attribute(name.value, node.args[1])  # type: ignore[attr-defined]

    def _read_attribute(self, attr: str, value: ast.expr) -> None:
        while _is_method(value, "to") or _is_method(value, "eval"):
            value = value.func.value  # type: ignore[attr-defined]
        layer = self.program.torch_call(value, NN)
        if layer is not None and layer != "Parameter":
            self.layers[attr] = layer
            return
        fact = self.fact(value, {})
        if fact is not None:
            self.attributes[attr] = fact

    def _wrappable(self, node: ast.AST) -> bool:
        parent = self.program.parents.get(node)
        if isinstance(parent, ast.Call) and parent.func is node:
            return False
        if isinstance(parent, ast.Attribute):
            grand = self.program.parents.get(parent)
            is_method_call = isinstance(grand, ast.Call) and grand.func is parent
            return is_method_call and parent.attr not in METADATA_METHODS
        if isinstance(parent, ast.Starred) or (
            isinstance(parent, ast.keyword) and parent.arg in DIM_KEYWORDS
        ):
            return False
        return not self.program.in_index_context(node)


def _statement_value(statement: ast.stmt) -> ast.expr | None:
    if isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return)):
        return statement.value
    return None


def _broadcast_rank(*facts: TensorFact) -> int | None:
    ranks = [f.rank for f in facts]
    return None if any(r is None for r in ranks) else max(ranks)  # type: ignore[type-var]


def _matmul_fact(left: TensorFact | None, right: TensorFact | None) -> TensorFact | None:
    if left is None or right is None:
        return None
    if left.rank is None or right.rank is None or min(left.rank, right.rank) < 2:
        return TensorFact(None, left.dtype)
    return TensorFact(max(left.rank, right.rank), left.dtype)


def _size_count(inference: TensorInference, args: list[ast.expr], env: dict[str, TensorFact]) -> int | None:
    """How many sizes ``view(...)``/``permute(...)`` were given, when that is plain to see."""
    if len(args) != 1:
        return len(args) if args and not any(isinstance(a, ast.Starred) for a in args) else None
    only = args[0]
    if isinstance(only, (ast.Tuple, ast.List)):
        return len(only.elts)
    if (isinstance(only, ast.Attribute) and only.attr == "shape") or (
        _is_method(only, "size") and not only.args
    ):  # type: ignore[attr-defined]
        base = inference.fact(only.value if isinstance(only, ast.Attribute) else only.func.value, env)  # type: ignore[attr-defined]
        return base.rank if base else None
    return 1 if _is_int(only) or isinstance(only, ast.UnaryOp) else None


def _reshaped_rank(name: str, rank: int | None, args: list[ast.expr]) -> int | None:
    if rank is None:
        return None
    if name == "unsqueeze":
        return rank + 1
    if name == "squeeze":
        return rank - 1 if args else None
    ints = [_int_value(a) for a in args]
    if any(i is None for i in ints):
        return None
    start = ints[0] if ints else 0
    end = ints[1] if len(ints) > 1 else -1
    start, end = start % max(rank, 1), end % max(rank, 1)  # type: ignore[operator]
    return rank - (end - start) if rank else 1


def _reduced_rank(rank: int | None, args: list[ast.expr], keywords: list[ast.keyword]) -> int | None:
    if rank is None:
        return None
    keep = _keyword_node(keywords, "keepdim", "keepdims")
    if keep is not None and isinstance(keep.value, ast.Constant) and keep.value.value is True:
        return rank
    dim = args[0] if args else _keyword_node(keywords, "dim", "axis")
    dim = dim.value if isinstance(dim, ast.keyword) else dim
    if dim is None:
        return 0
    return rank - (len(dim.elts) if isinstance(dim, (ast.Tuple, ast.List)) else 1)


def constructor_sizes(program: ProgramAst, call: ast.Call) -> list[ast.Constant]:
    """The literal sizes of ``torch.randn(2, 3)``, ``torch.full((2, 3), v)``, ``torch.randint(0, 5, (4,))``.

    Only plain int literals count: a size computed from a name is left alone.
    """
    constructor = CONSTRUCTORS.get(program.torch_call(call) or "")
    sizes = constructor.sizes if constructor is not None else ""
    keyword = _keyword(call, "size")
    if keyword is not None:
        elements = _elements_of(keyword)
    elif sizes == SIZE_ARGUMENTS:
        elements = _elements_of(call.args[0]) if len(call.args) == 1 else list(call.args)
    elif sizes == SIZE_FIRST and call.args:
        elements = _elements_of(call.args[0])
    elif sizes == SIZE_TUPLE:
        elements = next((_elements_of(a) for a in call.args if isinstance(a, (ast.Tuple, ast.List))), [])
    else:
        elements = []
    return [e for e in elements if _is_int(e)]  # type: ignore[misc]


def dtype_name(program: ProgramAst, node: ast.AST) -> str | None:
    """``torch.half`` -> "float16": a dtype as the registry names it; None if not ``torch.<name>``."""
    path = program.dotted(node) or ""
    module, _, name = path.rpartition(".")
    if module != TORCH:
        return None
    return DTYPE_ALIASES.get(name, name)
