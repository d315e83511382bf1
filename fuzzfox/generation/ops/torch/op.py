"""The record of one torch op, and the vocabulary its fields use (families, spellings, domains).

Kept apart from the registry (:mod:`fuzzfox.generation.ops.torch`) so the family modules can
import it while the registry imports them.
"""

from __future__ import annotations

import ast
import dataclasses

# Families: one module of this package each.
UNARY = "unary"  # pointwise, one tensor in, same shape out
BINARY = "binary"  # pointwise on two tensors (or a tensor and a number), broadcasting
REDUCTION = "reduction"  # over dims: removed, or kept with keepdim
SOFTMAX = "softmax"  # normalizing along one dim
CAST = "cast"  # a method named for the dtype it converts to
CONSTRUCTOR = "constructor"  # a new tensor from sizes
SHAPE = "shape"  # its other arguments are sizes, dims or indices
LAYER = "layer"  # a torch.nn module class
FAMILIES = (UNARY, BINARY, REDUCTION, SOFTMAX, CAST, CONSTRUCTOR, SHAPE, LAYER)

# The modules the spellings name.
TORCH = "torch"
NN = "torch.nn"
FUNCTIONAL = "torch.nn.functional"
# Spellings, one letter each, as mutation records a call site's form.
TORCH_FORM = "t"  # torch.name(x, ...)
FUNCTIONAL_FORM = "f"  # F.name(x, ...)  (torch.nn.functional imported as F)
METHOD_FORM = "m"  # x.name(...)
MODULE_FORM = "n"  # torch.nn.Name(...)(x)
FORMS = TORCH_FORM + FUNCTIONAL_FORM + METHOD_FORM + MODULE_FORM

# Domains: where an op's input must lie for its result to be finite.
REAL = "real"  # anywhere
POSITIVE = "positive"  # > 0 (log, sqrt)
NONZERO = "nonzero"  # away from 0 (reciprocal)
DOMAINS = (REAL, POSITIVE, NONZERO)

# How a call is given sizes (constructors, and the method spelling of shape ops).
SIZE_ARGUMENTS = "arguments"  # all its arguments, or one tuple of them: randn(2, 3), x.view((2, 3))
SIZE_FIRST = "first"  # its first argument (after the tensor): full((2, 3), v), randperm(n)
SIZE_TUPLE = "tuple"  # the tuple among its arguments: randint(0, 5, (2, 3))


@dataclasses.dataclass(frozen=True)
class Option:
    """An optional keyword and the non-default values (as source) a generator may give it."""

    keyword: str
    values: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class TorchOp:
    """One torch op: what it accepts and how it is written.

    ``forms`` lists its spellings (letters of :data:`FORMS`) in the order generators draw them
    from, so it is part of what a seed draws.  ``keywords`` and ``positional`` are the parts of
    its signature that generators write, carry over or read by position, not all of it.
    """

    name: str  # the same in every spelling: torch.name, F.name, x.name, torch.nn.name
    family: str
    forms: str
    arity: int = 1  # tensor operands, written first
    positional: tuple[str, ...] = ()  # its positional parameters after the tensor operands
    keywords: frozenset[str] = frozenset()
    options: tuple[Option, ...] = ()  # non-default keyword values a swapped-in or drawn op may get
    domain: str = REAL
    module: str = ""  # the torch.nn class that applies the same op (unary: nn.ReLU for relu)
    # Binary ops that Python writes with an operator: its node type and symbol.
    operator: type[ast.operator] | None = None
    symbol: str = ""
    # Reductions: whether it may reduce everything (no dim), and take a tuple of dims.
    reduces_all: bool = True
    several_dims: bool = True
    # Constructors and shape methods: how sizes are given (SIZE_*; "" when it takes none).
    sizes: str = ""
    # The dtype of its result: a cast method's target; a constructor's when not given dtype=
    # (full's with a float fill value).
    result_dtype: str | None = None
    # Layers: the positions and keywords of their size arguments, the rank of what they return
    # when that is fixed, or whether it keeps its input's rank and dtype (False: not recorded).
    size_arguments: tuple[tuple[int, str], ...] = ()
    result_rank: int | None = None
    keeps_rank: bool = False

    def spell(self, form: str, *arguments: str) -> str:
        """The op's source in ``form``; ``arguments`` are source text, the tensor operands first
        (a module form's constructor takes none of them: ``torch.nn.ReLU()(x)``)."""
        if form not in self.forms:
            raise ValueError(f"{self.name} has no spelling {form!r}")
        if form == METHOD_FORM:
            return f"{arguments[0]}.{self.name}({', '.join(arguments[1:])})"
        if form == MODULE_FORM:
            operands, rest = arguments[: self.arity], arguments[self.arity :]
            return f"torch.nn.{self.name}({', '.join(rest)})({', '.join(operands)})"
        module = "torch" if form == TORCH_FORM else "F"
        return f"{module}.{self.name}({', '.join(arguments)})"
