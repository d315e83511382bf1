"""The record of one array op (:class:`ArrayOp`), and the vocabulary its fields use: targets and
their module aliases, domains (with how to draw or reach a value in each), kinds, axis kinds.

Kept apart from the registry (:mod:`fuzzfox.generation.ops.array`) so the family modules can
import it while the registry imports them.
"""

from __future__ import annotations

import dataclasses
import re

JAX = "jax-xla"
TF = "tf-xla"
TARGETS = (JAX, TF)

# Module aliases templates use -> the import statement that binds them and the module path.
IMPORTS: dict[str, tuple[str, str]] = {
    "np": ("import numpy as np", "numpy"),
    "jax": ("import jax", "jax"),
    "jnp": ("import jax.numpy as jnp", "jax.numpy"),
    "lax": ("from jax import lax", "jax.lax"),
    "special": ("from jax.scipy import special", "jax.scipy.special"),
    "tf": ("import tensorflow as tf", "tensorflow"),
}

# Domains: where an argument must lie for the op to be finite and smooth there.
REAL = "real"  # anything (randn)
POSITIVE = "positive"  # > 0, away from 0 (log, sqrt, lgamma, a pow base)
NONZERO = "nonzero"  # away from 0 (reciprocal, a divisor, cumprod)
UNIT = "unit"  # inside (-1, 1), away from the ends (arcsin, arctanh, erfinv)
ABOVE_ONE = "above_one"  # > 1, away from 1 (arccosh)
MATRIX = "well_conditioned"  # a square matrix far from singular (solve): made so by its adapter
DOMAINS = (REAL, POSITIVE, NONZERO, UNIT, ABOVE_ONE, MATRIX)
# What a value in one domain also satisfies.
IMPLIES: dict[str, frozenset[str]] = {
    REAL: frozenset({REAL}),
    POSITIVE: frozenset({REAL, POSITIVE, NONZERO}),
    NONZERO: frozenset({REAL, NONZERO}),
    UNIT: frozenset({REAL, UNIT}),
    ABOVE_ONE: frozenset({REAL, POSITIVE, NONZERO, ABOVE_ONE}),
    MATRIX: frozenset({REAL, MATRIX}),
}
# numpy source drawing an array of a domain: {shape} is a shape tuple's text.  Global-RNG
# spellings (jax programs: the jax target seeds numpy's global RNG) and Generator spellings
# (tf programs use ``rng = np.random.default_rng(seed)`` like the tf corpus).
INPUT_DRAWS: dict[str, dict[str, str]] = {
    JAX: {
        REAL: "np.random.standard_normal({shape})",
        POSITIVE: "np.random.uniform(0.5, 2.0, size={shape})",
        NONZERO: "np.random.choice([-1.0, 1.0], size={shape}) * np.random.uniform(0.4, 1.6, size={shape})",
        UNIT: "np.random.uniform(-0.8, 0.8, size={shape})",
        ABOVE_ONE: "np.random.uniform(1.3, 3.0, size={shape})",
    },
    TF: {
        REAL: "rng.standard_normal({shape})",
        POSITIVE: "rng.uniform(0.5, 2.0, {shape})",
        NONZERO: "rng.choice([-1.0, 1.0], size={shape}) * rng.uniform(0.4, 1.6, {shape})",
        UNIT: "rng.uniform(-0.8, 0.8, {shape})",
        ABOVE_ONE: "rng.uniform(1.3, 3.0, {shape})",
    },
}
# An expression taking any real value {v} into a domain, smoothly: used when an op needs a domain
# the value at hand is not known to be in.  A matrix ({n} x {n}) is made strictly diagonally
# dominant in the program itself, so that every input draw (zeros, ties, large values: see
# ``oracles.boundary``) still gives a well-conditioned one, not a singular solve whose NaN/Inf
# pattern differs between eager and compiled without a bug.
ADAPTERS: dict[str, dict[str, str]] = {
    JAX: {
        POSITIVE: "({v} * {v} + 0.5)",
        NONZERO: "({v} * {v} + 0.5)",
        UNIT: "(jnp.tanh({v}) * 0.8)",
        ABOVE_ONE: "({v} * {v} + 1.5)",
        MATRIX: "(0.25 * jnp.tanh({v}) + 2.0 * jnp.eye({n}, dtype={v}.dtype))",
    },
    TF: {
        POSITIVE: "({v} * {v} + 0.5)",
        NONZERO: "({v} * {v} + 0.5)",
        UNIT: "(tf.tanh({v}) * 0.8)",
        ABOVE_ONE: "({v} * {v} + 1.5)",
        MATRIX: "(0.25 * tf.tanh({v}) + 2.0 * tf.eye({n}, dtype={v}.dtype))",
    },
}

# Kinds: what an op does to shapes (the synthesizer has one shape rule per kind).
ELEMENTWISE = "elementwise"  # one array, same shape
BINARY = "binary"  # two arrays, broadcast
REDUCE = "reduce"  # {axis} (an int, a tuple or None) removed, or kept with {keepdims}
AXISWISE = "axiswise"  # same shape, works along {axis} (cumsum, softmax, sort, flip)
TOP_K = "top_k"  # last axis -> {k}
PICK = "pick"  # last axis removed ({n}: its size)
MATMUL = "matmul"  # (..., m, k) with a new (k, n) operand -> (..., m, n)
GRAM = "gram"  # (..., m, k) -> (..., m, m) ({m}: the size of the second to last axis)
TRANSPOSE = "transpose"  # {perm}
RESHAPE = "reshape"  # {shape}
EXPAND = "expand"  # a new axis at {axis}
SQUEEZE = "squeeze"  # the size-1 axis {axis} removed
TILE = "tile"  # {reps}
PAD = "pad"  # {widths} (at most size - 1 on an axis for the mirroring modes)
SLICE = "slice"  # the first element of the last axis dropped
BROADCAST = "broadcast"  # a new leading axis of 2: {shape}
JOIN = "join"  # two arrays of one shape joined along {axis} (concatenate) or a new {axis} (stack)
GATHER = "gather"  # an int index input {index} with {m} entries below the axis size
CONV = "conv"  # rank 4: a new kernel input
SOLVE = "solve"  # (n, n) well-conditioned new input {y} solving for {x} of shape (n, ...)
KINDS = (
    ELEMENTWISE, BINARY, REDUCE, AXISWISE, TOP_K, PICK, MATMUL, GRAM, TRANSPOSE, RESHAPE, EXPAND,
    SQUEEZE, TILE, PAD, SLICE, BROADCAST, JOIN, GATHER, CONV, SOLVE,
)  # fmt: skip
# Placeholders whose values come from the operand's shape, not from a Param.  ``{offset}`` is a
# new int32 scalar input (a shift the compiled function sees as traced, not as a constant).
SHAPE_PARAMS = frozenset(
    {"k", "n", "m", "perm", "shape", "reps", "widths", "index", "window", "strides", "offset"}
)

# Axis kinds.
NO_AXIS = "none"
ONE_AXIS = "one"  # a single int
MANY_AXES = "many"  # an int, a tuple of ints or None (reductions)
LAST_AXIS = "last"  # works on the last axis only

# The float dtypes an op is meant for unless it says otherwise (torch's are another table).
OP_DTYPES = ("float32", "float64")


@dataclasses.dataclass(frozen=True)
class Param:
    """A static keyword (or positional) option: its placeholder name and its legal values as source."""

    name: str
    values: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class ArrayOp:
    name: str
    kind: str
    jax: str | None
    tf: str | None
    arity: int = 1
    domains: tuple[str, ...] = (REAL,)  # one per array argument
    axis: str = NO_AXIS
    params: tuple[Param, ...] = ()
    jax_rules: tuple[str, ...] = ()
    tf_grads: tuple[str, ...] = ()
    differentiable: bool = True  # False: a zero (or structural zero) derivative
    output: str = REAL  # the domain of the result
    min_rank: int = 0
    jax_aliases: tuple[str, ...] = ()  # other dotted names of the same call (resolved imports)
    tf_aliases: tuple[str, ...] = ()
    exact_rank: int | None = None
    dtypes: tuple[str, ...] = OP_DTYPES  # the float dtypes it is meant for
    negative_axis: bool = True  # whether {axis} may be negative (lax's cumulative ops: no)
    broadcasts: bool = True  # whether a binary op's arguments may differ in shape (lax.complex: no)
    generated_for: tuple[str, ...] = TARGETS  # targets whose generators emit it (all it is spelled for)

    def template(self, target: str) -> str | None:
        return self.jax if target == JAX else self.tf

    def rules(self, target: str) -> tuple[str, ...]:
        return self.jax_rules if target == JAX else self.tf_grads

    def supports(self, target: str) -> bool:
        """Whether ``target`` can spell the op (and so recognize it in a program)."""
        return self.template(target) is not None

    def generated(self, target: str) -> bool:
        """Whether generators emit the op for ``target``."""
        return self.supports(target) and target in self.generated_for

    def placeholders(self, target: str) -> list[str]:
        template = self.template(target) or ""
        return list(dict.fromkeys(re.findall(r"\{(\w+)\}", template)))

    def takes_input_shift(self, target: str) -> bool:
        """Whether the op's ``{offset}`` is a new int input of the program (a traced shift)."""
        return "offset" in self.placeholders(target)

    def call_names(self, target: str) -> tuple[str, ...]:
        """The full dotted names (``jax.numpy.sin``) a call of this op is recognized by.

        Only templates that are one call with the arrays first (``jnp.sin({x})``,
        ``jnp.sum({x}, axis={axis}, ...)``) are recognized in source; composites are not.
        """
        template = self.template(target)
        if template is None:
            return ()
        match = SIMPLE_CALL.match(template)
        names = [resolve_alias(match.group(1))] if match else []
        return tuple(dict.fromkeys([*names, *(self.jax_aliases if target == JAX else self.tf_aliases)]))

    def render(self, target: str, arguments: dict[str, str]) -> str:
        """The op's source for ``arguments`` (``x``, ``y``, ``axis``... as source text)."""
        template = self.template(target)
        if template is None:
            raise ValueError(f"{self.name} has no {target} spelling")
        return template.format_map(arguments)


SIMPLE_CALL = re.compile(r"^([A-Za-z_][\w.]*)\(\{x\}(?:, \{y\})?(?:,[^{}]*(?:\{\w+\}[^{}]*)*)?\)$")


def resolve_alias(dotted: str) -> str:
    """``jnp.sin`` -> ``jax.numpy.sin`` (the module aliases of :data:`IMPORTS`)."""
    root, _, rest = dotted.partition(".")
    module = IMPORTS[root][1] if root in IMPORTS else root
    return f"{module}.{rest}" if rest else module


def param(name: str, *values: str) -> Param:
    """A :class:`Param` with its legal values (as source)."""
    return Param(name, values)


KEEP = param("keepdims", "False", "True")
