"""The ops the LLM-free generators know for the two array frameworks (jax-xla and tf-xla).

One :class:`ArrayOp` per op: how JAX and TensorFlow spell it (a source template, or None when
that framework has no such op), its arity, the axis and keyword arguments it takes with their
legal values, the domain each array argument must lie in (``log`` needs positive input), the
domain its result lies in, whether it is differentiable, and the white-box units it reaches:
the JAX autodiff rules (``lax.sort.jvp``: ids of ``fuzzfox.targets.jax.extract``) and the TF
gradient registrations (``math_grad.Cumsum``: ids of ``fuzzfox.targets.tf.extract``) that
differentiating a program with the op runs.  Those were measured on jax 0.10.2 / TF 2.21: for
JAX with the gradient oracle's own record (``oracles.jax.grads.rules_used``), for TF from the op
types of the traced graph, then checked with the tf-xla target's trigger probe; the units every
program reaches anyway (the loss's ``mul`` and ``reduce_sum``) are only listed for the ops that
are those primitives themselves.

Templates are ``str.format`` strings over placeholders: ``{x}`` and ``{y}`` the array
arguments, ``{axis}`` and ``{keepdims}`` for axis-taking ops, and the names of :class:`Param`
(static options with their legal values, e.g. ``{reverse}``) or of shape-derived arguments that
the synthesizer computes from the operand's shape (``{k}``, ``{perm}``, ``{n}``...:
:data:`SHAPE_PARAMS`).  A template may repeat ``{x}``: generators pass names, not expressions
with side effects.  Module names in templates are the usual aliases (``jnp``, ``lax``,
``special``, ``jax``, ``tf``, ``np``): :data:`IMPORTS` says how each is imported.

Nothing here imports a framework.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

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
MATRIX = "well_conditioned"  # a square matrix far from singular (solve)
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
        MATRIX: "np.random.standard_normal({shape}) * 0.2 + np.eye({n}) * 2.0",
    },
    TF: {
        REAL: "rng.standard_normal({shape})",
        POSITIVE: "rng.uniform(0.5, 2.0, {shape})",
        NONZERO: "rng.choice([-1.0, 1.0], size={shape}) * rng.uniform(0.4, 1.6, {shape})",
        UNIT: "rng.uniform(-0.8, 0.8, {shape})",
        ABOVE_ONE: "rng.uniform(1.3, 3.0, {shape})",
        MATRIX: "rng.standard_normal({shape}) * 0.2 + np.eye({n}) * 2.0",
    },
}
# An expression taking any real value {v} into a domain, smoothly: used when an op needs a domain
# the value at hand is not known to be in.
ADAPTERS: dict[str, dict[str, str]] = {
    JAX: {
        POSITIVE: "({v} * {v} + 0.5)",
        NONZERO: "({v} * {v} + 0.5)",
        UNIT: "(jnp.tanh({v}) * 0.8)",
        ABOVE_ONE: "({v} * {v} + 1.5)",
    },
    TF: {
        POSITIVE: "({v} * {v} + 0.5)",
        NONZERO: "({v} * {v} + 0.5)",
        UNIT: "(tf.tanh({v}) * 0.8)",
        ABOVE_ONE: "({v} * {v} + 1.5)",
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
PAD = "pad"  # {widths}
SLICE = "slice"  # the first element of the last axis dropped
BROADCAST = "broadcast"  # a new leading axis of 2: {shape}
JOIN = "join"  # two arrays of one shape joined along {axis} (concatenate) or a new {axis} (stack)
GATHER = "gather"  # an int index input {index} with {m} entries below the axis size
CONV = "conv"  # rank 4: a new kernel input
SOLVE = "solve"  # (n, n) well-conditioned new input solving for {x} of shape (n, ...)
KINDS = (
    ELEMENTWISE, BINARY, REDUCE, AXISWISE, TOP_K, PICK, MATMUL, GRAM, TRANSPOSE, RESHAPE, EXPAND,
    SQUEEZE, TILE, PAD, SLICE, BROADCAST, JOIN, GATHER, CONV, SOLVE,
)  # fmt: skip
# Placeholders whose values come from the operand's shape, not from a Param.
SHAPE_PARAMS = frozenset({"k", "n", "m", "perm", "shape", "reps", "widths", "index", "window", "strides"})

# Axis kinds.
NO_AXIS = "none"
ONE_AXIS = "one"  # a single int
MANY_AXES = "many"  # an int, a tuple of ints or None (reductions)
LAST_AXIS = "last"  # works on the last axis only

FLOAT_DTYPES = ("float32", "float64")


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
    dtypes: tuple[str, ...] = FLOAT_DTYPES  # the float dtypes it is meant for
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


def _p(name: str, *values: str) -> Param:
    return Param(name, values)


KEEP = _p("keepdims", "False", "True")

OPS: tuple[ArrayOp, ...] = (
    # ---------------------------------------------------------------- elementwise, real domain
    ArrayOp("sin", ELEMENTWISE, "jnp.sin({x})", "tf.sin({x})",
            jax_rules=("lax.sin.jvp", "lax.sin.linearize"), tf_grads=("math_grad.Sin",),
            jax_aliases=("jax.lax.sin",), tf_aliases=("tensorflow.math.sin",)),
    ArrayOp("cos", ELEMENTWISE, "jnp.cos({x})", "tf.cos({x})",
            jax_rules=("lax.cos.jvp",), tf_grads=("math_grad.Cos",),
            jax_aliases=("jax.lax.cos",), tf_aliases=("tensorflow.math.cos",)),
    ArrayOp("tanh", ELEMENTWISE, "jnp.tanh({x})", "tf.tanh({x})",
            jax_rules=("lax.tanh.jvp",), tf_grads=("math_grad.Tanh",),
            jax_aliases=("jax.lax.tanh",), tf_aliases=("tensorflow.math.tanh", "tensorflow.nn.tanh")),
    ArrayOp("sinh", ELEMENTWISE, "jnp.sinh({x})", "tf.sinh({x})",
            jax_rules=("lax.sinh.jvp",), tf_grads=("math_grad.Sinh",),
            tf_aliases=("tensorflow.math.sinh",)),
    ArrayOp("cosh", ELEMENTWISE, "jnp.cosh({x})", "tf.cosh({x})", output=POSITIVE,
            jax_rules=("lax.cosh.jvp",), tf_grads=("math_grad.Cosh",),
            tf_aliases=("tensorflow.math.cosh",)),
    ArrayOp("arctan", ELEMENTWISE, "jnp.arctan({x})", "tf.atan({x})",
            jax_rules=("lax.atan.jvp",), tf_grads=("math_grad.Atan",),
            jax_aliases=("jax.numpy.atan",), tf_aliases=("tensorflow.math.atan",)),
    ArrayOp("arcsinh", ELEMENTWISE, "jnp.arcsinh({x})", "tf.asinh({x})",
            jax_rules=("lax.asinh.jvp",), tf_grads=("math_grad.Asinh",),
            jax_aliases=("jax.numpy.asinh",), tf_aliases=("tensorflow.math.asinh",)),
    ArrayOp("exp", ELEMENTWISE, "jnp.exp({x})", "tf.exp({x})", output=POSITIVE,
            jax_rules=("lax.exp.jvp",), tf_grads=("math_grad.Exp",),
            jax_aliases=("jax.lax.exp",), tf_aliases=("tensorflow.math.exp",)),
    ArrayOp("exp2", ELEMENTWISE, "jnp.exp2({x})", None, output=POSITIVE, jax_rules=("lax.exp2.jvp",)),
    ArrayOp("expm1", ELEMENTWISE, "jnp.expm1({x})", "tf.math.expm1({x})",
            jax_rules=("lax.expm1.jvp",), tf_grads=("math_grad.Expm1",)),
    ArrayOp("square", ELEMENTWISE, "jnp.square({x})", "tf.square({x})",
            jax_rules=("lax.square.jvp",), tf_grads=("math_grad.Square",),
            tf_aliases=("tensorflow.math.square",)),
    ArrayOp("integer_pow", ELEMENTWISE, "{x} ** {power}", "{x} ** {power}",
            params=(_p("power", "2", "3", "4"),),
            jax_rules=("lax.integer_pow.jvp",), tf_grads=("math_grad.Pow",)),
    ArrayOp("negative", ELEMENTWISE, "jnp.negative({x})", "tf.negative({x})",
            jax_rules=("lax.neg.transpose",), tf_grads=("math_grad.Neg",),
            tf_aliases=("tensorflow.math.negative",)),
    ArrayOp("abs", ELEMENTWISE, "jnp.abs({x})", "tf.abs({x})", output=REAL,
            jax_rules=("lax.abs.jvp",), tf_grads=("math_grad.Abs",),
            jax_aliases=("jax.numpy.absolute", "jax.lax.abs"), tf_aliases=("tensorflow.math.abs",)),
    ArrayOp("sigmoid", ELEMENTWISE, "jax.nn.sigmoid({x})", "tf.sigmoid({x})", output=POSITIVE,
            jax_rules=("lax.logistic.jvp",), tf_grads=("math_grad.Sigmoid",),
            tf_aliases=("tensorflow.math.sigmoid", "tensorflow.nn.sigmoid")),
    ArrayOp("relu", ELEMENTWISE, "jax.nn.relu({x})", "tf.nn.relu({x})",
            jax_rules=("lax.max.jvp",), tf_grads=("nn_grad.Relu",)),
    ArrayOp("relu6", ELEMENTWISE, "jax.nn.relu6({x})", "tf.nn.relu6({x})",
            jax_rules=("lax.max.jvp", "lax.min.jvp"), tf_grads=("nn_grad.Relu6",)),
    ArrayOp("leaky_relu", ELEMENTWISE, "jax.nn.leaky_relu({x}, negative_slope={slope})",
            "tf.nn.leaky_relu({x}, alpha={slope})", params=(_p("slope", "0.01", "0.2", "1.5"),),
            jax_rules=("lax.select_n.jvp",), tf_grads=("nn_grad.LeakyRelu",)),
    ArrayOp("elu", ELEMENTWISE, "jax.nn.elu({x})", "tf.nn.elu({x})",
            jax_rules=("lax.expm1.jvp", "lax.select_n.jvp"), tf_grads=("nn_grad.Elu",)),
    ArrayOp("selu", ELEMENTWISE, "jax.nn.selu({x})", "tf.nn.selu({x})",
            jax_rules=("lax.expm1.jvp", "lax.select_n.jvp"), tf_grads=("nn_grad.Selu",)),
    ArrayOp("softplus", ELEMENTWISE, "jax.nn.softplus({x})", "tf.nn.softplus({x})", output=POSITIVE,
            jax_rules=("lax.log1p.jvp", "lax.exp.jvp"), tf_grads=("nn_grad.Softplus",),
            tf_aliases=("tensorflow.math.softplus",)),
    ArrayOp("softsign", ELEMENTWISE, "jax.nn.soft_sign({x})", "tf.nn.softsign({x})",
            jax_rules=("lax.abs.jvp", "lax.div.jvp"), tf_grads=("nn_grad.Softsign",)),
    # TF's gelu and silu build float32 constants whatever the input dtype: the tf-xla gradient oracle
    # drops every program with them (grad_precision), so tf programs are not generated with them.
    ArrayOp("gelu", ELEMENTWISE, "jax.nn.gelu({x}, approximate=True)", "tf.nn.gelu({x}, approximate=True)",
            jax_rules=("lax.tanh.jvp",), tf_grads=("math_grad.Tanh",), generated_for=(JAX,)),
    ArrayOp("gelu_exact", ELEMENTWISE, "jax.nn.gelu({x}, approximate=False)",
            "tf.nn.gelu({x}, approximate=False)", jax_rules=("lax.erfc.jvp",), tf_grads=("math_grad.Erfc",),
            generated_for=(JAX,)),
    ArrayOp("silu", ELEMENTWISE, "jax.nn.silu({x})", "tf.nn.silu({x})",
            jax_rules=("lax.logistic.jvp",), tf_grads=("math_grad.Sigmoid",), generated_for=(JAX,)),
    ArrayOp("erf", ELEMENTWISE, "special.erf({x})", "tf.math.erf({x})",
            jax_rules=("lax.erf.jvp",), tf_grads=("math_grad.Erf",), jax_aliases=("jax.lax.erf",)),
    ArrayOp("erfc", ELEMENTWISE, "special.erfc({x})", "tf.math.erfc({x})", output=POSITIVE,
            jax_rules=("lax.erfc.jvp",), tf_grads=("math_grad.Erfc",), jax_aliases=("jax.lax.erfc",)),
    ArrayOp("i0e", ELEMENTWISE, "special.i0e({x})", "tf.math.bessel_i0e({x})", output=POSITIVE,
            jax_rules=("lax.bessel_i0e.jvp",), tf_grads=("math_grad.BesselI0e",)),
    ArrayOp("i1e", ELEMENTWISE, "special.i1e({x})", "tf.math.bessel_i1e({x})",
            jax_rules=("lax.bessel_i1e.jvp",), tf_grads=("math_grad.BesselI1e",)),
    ArrayOp("clip", ELEMENTWISE, "jnp.clip({x}, {lo}, {hi})", "tf.clip_by_value({x}, {lo}, {hi})",
            params=(_p("lo", "-1.0", "-0.5", "0.0"), _p("hi", "0.5", "1.0", "2.0")),
            jax_rules=("lax.max.jvp", "lax.min.jvp"), tf_grads=("math_grad.Maximum", "math_grad.Minimum")),
    ArrayOp("clamp", ELEMENTWISE,
            "lax.clamp(jnp.array({lo}, {x}.dtype), {x}, jnp.array({hi}, {x}.dtype))", None,
            params=(_p("lo", "-1.0", "-0.5", "0.0"), _p("hi", "0.5", "1.0", "2.0")),
            jax_rules=("lax.clamp.jvp",)),
    ArrayOp("where_positive", ELEMENTWISE, "jnp.where({x} > {threshold}, {x}, {x} * {scale})",
            "tf.where({x} > {threshold}, {x}, {x} * {scale})",
            params=(_p("threshold", "0.0", "0.5", "-0.5"), _p("scale", "0.1", "-1.0", "2.0")),
            jax_rules=("lax.select_n.jvp", "lax.select_n.transpose", "lax.gt.jvp_zero"),
            tf_grads=("math_grad.SelectV2",)),
    ArrayOp("where_finite", ELEMENTWISE, "jnp.where(jnp.isfinite({x}), {x}, 0.0)",
            "tf.where(tf.math.is_finite({x}), {x}, tf.zeros_like({x}))",
            jax_rules=("lax.is_finite.jvp_zero", "lax.select_n.jvp"), tf_grads=("math_grad.SelectV2",)),
    ArrayOp("cast_round_trip", ELEMENTWISE, "{x}.astype(jnp.float64).astype({x}.dtype)",
            "tf.cast(tf.cast({x}, tf.float64), {x}.dtype)", dtypes=("float32",),
            jax_rules=("lax.convert_element_type.jvp", "lax.convert_element_type.transpose"),
            tf_grads=("math_grad.Cast",)),
    # The tf-xla gradient oracle's finite differences do not hold tf.stop_gradient's output fixed
    # (the jax one does): every tf program with it would be a false bug candidate.
    ArrayOp("stop_gradient", ELEMENTWISE, "lax.stop_gradient({x})", "tf.stop_gradient({x})",
            differentiable=False, jax_rules=("lax.stop_gradient.jvp",),
            jax_aliases=("jax.lax.stop_gradient",), generated_for=(JAX,)),
    # ---------------------------------------------------------------- elementwise, zero derivative
    ArrayOp("sign", ELEMENTWISE, "jnp.sign({x})", "tf.sign({x})", differentiable=False,
            jax_rules=("lax.sign.jvp_zero",), tf_grads=("math_grad.Sign",),
            tf_aliases=("tensorflow.math.sign",)),
    ArrayOp("floor", ELEMENTWISE, "jnp.floor({x})", "tf.floor({x})", differentiable=False,
            jax_rules=("lax.floor.jvp_zero",), tf_grads=("math_grad.Floor",),
            tf_aliases=("tensorflow.math.floor",)),
    ArrayOp("ceil", ELEMENTWISE, "jnp.ceil({x})", "tf.math.ceil({x})", differentiable=False,
            jax_rules=("lax.ceil.jvp_zero",), tf_grads=("math_grad.Ceil",)),
    ArrayOp("round", ELEMENTWISE, "jnp.round({x})", "tf.round({x})", differentiable=False,
            jax_rules=("lax.round.jvp_zero",), tf_grads=("math_grad.Round",),
            tf_aliases=("tensorflow.math.round",)),
    ArrayOp("int_cast", ELEMENTWISE, "({x} * 2.0).astype(jnp.int32).astype({x}.dtype)",
            "tf.cast(tf.cast({x} * 2.0, tf.int32), {x}.dtype)", differentiable=False,
            jax_rules=("lax.convert_element_type.jvp",), tf_grads=("math_grad.Cast",)),
    # ---------------------------------------------------------------- elementwise, restricted domain
    ArrayOp("log", ELEMENTWISE, "jnp.log({x})", "tf.math.log({x})", domains=(POSITIVE,),
            jax_rules=("lax.log.jvp",), tf_grads=("math_grad.Log",),
            jax_aliases=("jax.lax.log",), tf_aliases=("tensorflow.math.log",)),
    ArrayOp("log1p", ELEMENTWISE, "jnp.log1p({x})", "tf.math.log1p({x})", domains=(POSITIVE,),
            output=POSITIVE, jax_rules=("lax.log1p.jvp",), tf_grads=("math_grad.Log1p",)),
    ArrayOp("sqrt", ELEMENTWISE, "jnp.sqrt({x})", "tf.sqrt({x})", domains=(POSITIVE,), output=POSITIVE,
            jax_rules=("lax.sqrt.jvp",), tf_grads=("math_grad.Sqrt",),
            jax_aliases=("jax.lax.sqrt",), tf_aliases=("tensorflow.math.sqrt",)),
    ArrayOp("rsqrt", ELEMENTWISE, "lax.rsqrt({x})", "tf.math.rsqrt({x})", domains=(POSITIVE,),
            output=POSITIVE, jax_rules=("lax.rsqrt.jvp",), tf_grads=("math_grad.Rsqrt",)),
    ArrayOp("cbrt", ELEMENTWISE, "jnp.cbrt({x})", None, domains=(NONZERO,), output=NONZERO,
            jax_rules=("lax.cbrt.jvp",)),
    ArrayOp("reciprocal", ELEMENTWISE, "jnp.reciprocal({x})", "tf.math.reciprocal({x})",
            domains=(NONZERO,), output=NONZERO, jax_rules=("lax.integer_pow.jvp",),
            tf_grads=("math_grad.Reciprocal",)),
    ArrayOp("lgamma", ELEMENTWISE, "special.gammaln({x})", "tf.math.lgamma({x})", domains=(POSITIVE,),
            jax_rules=("lax.lgamma.jvp",), tf_grads=("math_grad.Lgamma",), jax_aliases=("jax.lax.lgamma",)),
    ArrayOp("digamma", ELEMENTWISE, "special.digamma({x})", "tf.math.digamma({x})", domains=(POSITIVE,),
            jax_rules=("lax.digamma.jvp",), tf_grads=("math_grad.Digamma",)),
    ArrayOp("tan", ELEMENTWISE, "jnp.tan({x})", "tf.tan({x})", domains=(UNIT,),
            jax_rules=("lax.tan.jvp",), tf_grads=("math_grad.Tan",), tf_aliases=("tensorflow.math.tan",)),
    ArrayOp("arcsin", ELEMENTWISE, "jnp.arcsin({x})", "tf.asin({x})", domains=(UNIT,),
            jax_rules=("lax.asin.jvp",), tf_grads=("math_grad.Asin",),
            jax_aliases=("jax.numpy.asin",), tf_aliases=("tensorflow.math.asin",)),
    ArrayOp("arccos", ELEMENTWISE, "jnp.arccos({x})", "tf.acos({x})", domains=(UNIT,), output=POSITIVE,
            jax_rules=("lax.acos.jvp",), tf_grads=("math_grad.Acos",),
            jax_aliases=("jax.numpy.acos",), tf_aliases=("tensorflow.math.acos",)),
    ArrayOp("arctanh", ELEMENTWISE, "jnp.arctanh({x})", "tf.atanh({x})", domains=(UNIT,),
            jax_rules=("lax.atanh.jvp",), tf_grads=("math_grad.Atanh",),
            jax_aliases=("jax.numpy.atanh",), tf_aliases=("tensorflow.math.atanh",)),
    ArrayOp("erfinv", ELEMENTWISE, "special.erfinv({x})", "tf.math.erfinv({x})", domains=(UNIT,),
            jax_rules=("lax.erf_inv.jvp",), tf_grads=("math_grad.Erfinv",)),
    ArrayOp("arccosh", ELEMENTWISE, "jnp.arccosh({x})", "tf.acosh({x})", domains=(ABOVE_ONE,),
            output=POSITIVE, jax_rules=("lax.acosh.jvp",), tf_grads=("math_grad.Acosh",),
            jax_aliases=("jax.numpy.acosh",), tf_aliases=("tensorflow.math.acosh",)),
    # ---------------------------------------------------------------- binary
    ArrayOp("add", BINARY, "{x} + {y}", "{x} + {y}", arity=2, domains=(REAL, REAL),
            jax_rules=("lax.add.jvp", "lax.add.transpose"), tf_grads=("math_grad.AddV2",)),
    ArrayOp("subtract", BINARY, "{x} - {y}", "{x} - {y}", arity=2, domains=(REAL, REAL),
            jax_rules=("lax.sub.jvp", "lax.sub.transpose"), tf_grads=("math_grad.Sub",)),
    ArrayOp("multiply", BINARY, "{x} * {y}", "{x} * {y}", arity=2, domains=(REAL, REAL),
            jax_rules=("lax.mul.jvp", "lax.mul.transpose"), tf_grads=("math_grad.Mul",)),
    ArrayOp("divide", BINARY, "{x} / {y}", "{x} / {y}", arity=2, domains=(REAL, NONZERO),
            jax_rules=("lax.div.jvp", "lax.div.transpose"), tf_grads=("math_grad.RealDiv",)),
    ArrayOp("maximum", BINARY, "jnp.maximum({x}, {y})", "tf.maximum({x}, {y})", arity=2,
            domains=(REAL, REAL), jax_rules=("lax.max.jvp",), tf_grads=("math_grad.Maximum",),
            jax_aliases=("jax.lax.max",), tf_aliases=("tensorflow.math.maximum",)),
    ArrayOp("minimum", BINARY, "jnp.minimum({x}, {y})", "tf.minimum({x}, {y})", arity=2,
            domains=(REAL, REAL), jax_rules=("lax.min.jvp",), tf_grads=("math_grad.Minimum",),
            jax_aliases=("jax.lax.min",), tf_aliases=("tensorflow.math.minimum",)),
    ArrayOp("power", BINARY, "jnp.power({x}, {y})", "tf.pow({x}, {y})", arity=2, domains=(POSITIVE, REAL),
            jax_rules=("lax.pow.jvp",), tf_grads=("math_grad.Pow",), output=POSITIVE,
            tf_aliases=("tensorflow.math.pow",)),
    ArrayOp("arctan2", BINARY, "jnp.arctan2({x}, {y})", "tf.math.atan2({x}, {y})", arity=2,
            domains=(REAL, POSITIVE), jax_rules=("lax.atan2.jvp",), tf_grads=("math_grad.Atan2",),
            jax_aliases=("jax.numpy.atan2",)),
    ArrayOp("hypot", BINARY, "jnp.hypot({x}, {y})", None, arity=2, domains=(NONZERO, NONZERO),
            output=POSITIVE, jax_rules=("lax.sqrt.jvp", "lax.div.jvp")),
    ArrayOp("fmod", BINARY, "jnp.fmod({x}, {y})", "tf.math.floormod({x}, {y})", arity=2,
            domains=(REAL, POSITIVE), jax_rules=("lax.rem.jvp",), tf_grads=("math_grad.FloorMod",)),
    ArrayOp("squared_difference", BINARY, "jnp.square({x} - {y})", "tf.math.squared_difference({x}, {y})",
            arity=2, domains=(REAL, REAL), jax_rules=("lax.square.jvp",),
            tf_grads=("math_grad.SquaredDifference",)),
    ArrayOp("xlogy", BINARY, "special.xlogy({x}, {y})", "tf.math.xlogy({x}, {y})", arity=2,
            domains=(REAL, POSITIVE), jax_rules=("lax.log.jvp",), tf_grads=("math_grad.Xlogy",)),
    ArrayOp("where_greater", BINARY, "jnp.where({x} > {y}, {x}, {y} * {scale})",
            "tf.where({x} > {y}, {x}, {y} * {scale})", arity=2, domains=(REAL, REAL),
            params=(_p("scale", "0.5", "-1.0", "2.0"),),
            jax_rules=("lax.select_n.jvp", "lax.select_n.transpose", "lax.gt.jvp_zero"),
            tf_grads=("math_grad.SelectV2",)),
    ArrayOp("complex_abs", BINARY, "jnp.abs(lax.complex({x}, {y}))", "tf.abs(tf.complex({x}, {y}))",
            arity=2, broadcasts=False, domains=(NONZERO, REAL), output=POSITIVE,
            jax_rules=("lax.complex.transpose", "lax.abs.jvp"),
            tf_grads=("math_grad.Complex", "math_grad.ComplexAbs")),
    ArrayOp("complex_angle", BINARY, "jnp.angle(lax.complex({x}, {y}))",
            "tf.math.angle(tf.complex({x}, {y}))", arity=2, broadcasts=False, domains=(POSITIVE, REAL),
            jax_rules=("lax.complex.transpose", "lax.atan2.jvp"),
            tf_grads=("math_grad.Complex", "math_grad.Angle")),
    ArrayOp("complex_product", BINARY, "jnp.real(lax.complex({x}, {y}) * jnp.conj(lax.complex({y}, {x})))",
            "tf.math.real(tf.complex({x}, {y}) * tf.math.conj(tf.complex({y}, {x})))",
            arity=2, broadcasts=False,
            domains=(REAL, REAL),
            jax_rules=("lax.complex.transpose", "lax.conj.jvp", "lax.conj.transpose", "lax.real.transpose"),
            tf_grads=("math_grad.Complex", "math_grad.Conj", "math_grad.Real")),
    # ---------------------------------------------------------------- reductions
    ArrayOp("sum", REDUCE, "jnp.sum({x}, axis={axis}, keepdims={keepdims})",
            "tf.reduce_sum({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            jax_rules=("lax.reduce_sum.transpose",), tf_grads=("math_grad.Sum",),
            tf_aliases=("tensorflow.math.reduce_sum",)),
    ArrayOp("mean", REDUCE, "jnp.mean({x}, axis={axis}, keepdims={keepdims})",
            "tf.reduce_mean({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            jax_rules=("lax.reduce_sum.transpose", "lax.div.transpose"), tf_grads=("math_grad.Mean",),
            tf_aliases=("tensorflow.math.reduce_mean",)),
    ArrayOp("max", REDUCE, "jnp.max({x}, axis={axis}, keepdims={keepdims})",
            "tf.reduce_max({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            jax_rules=("lax.reduce_max.jvp",), tf_grads=("math_grad.Max",),
            jax_aliases=("jax.numpy.amax",), tf_aliases=("tensorflow.math.reduce_max",)),
    ArrayOp("min", REDUCE, "jnp.min({x}, axis={axis}, keepdims={keepdims})",
            "tf.reduce_min({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            jax_rules=("lax.reduce_min.jvp",), tf_grads=("math_grad.Min",),
            jax_aliases=("jax.numpy.amin",), tf_aliases=("tensorflow.math.reduce_min",)),
    ArrayOp("prod", REDUCE, "jnp.prod({x}, axis={axis}, keepdims={keepdims})",
            "tf.reduce_prod({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            domains=(NONZERO,), jax_rules=("lax.reduce_prod.jvp",), tf_grads=("math_grad.Prod",),
            tf_aliases=("tensorflow.math.reduce_prod",)),
    ArrayOp("logsumexp", REDUCE, "jax.nn.logsumexp({x}, axis={axis}, keepdims={keepdims})",
            "tf.reduce_logsumexp({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            jax_rules=("lax.stop_gradient.jvp", "lax.exp.jvp", "lax.log.jvp"),
            tf_grads=("math_grad.Exp", "math_grad.Log"),
            jax_aliases=("jax.scipy.special.logsumexp",), tf_aliases=("tensorflow.math.reduce_logsumexp",)),
    ArrayOp("var", REDUCE, "jnp.var({x}, axis={axis}, keepdims={keepdims})",
            "tf.math.reduce_variance({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            jax_rules=("lax.reduce_sum.transpose", "lax.div.transpose"),
            tf_grads=("math_grad.Mean", "math_grad.Square")),
    ArrayOp("std", REDUCE, "jnp.std({x}, axis={axis}, keepdims={keepdims})",
            "tf.math.reduce_std({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            jax_rules=("lax.sqrt.jvp", "lax.reduce_sum.transpose"),
            tf_grads=("math_grad.Sqrt", "math_grad.Mean")),
    ArrayOp("norm", REDUCE, "jnp.linalg.norm({x}, axis={axis}, keepdims={keepdims})",
            "tf.norm({x}, axis={axis}, keepdims={keepdims})", axis=ONE_AXIS, params=(KEEP,),
            output=POSITIVE, jax_rules=("lax.sqrt.jvp",), tf_grads=("math_grad.Sqrt",),
            tf_aliases=("tensorflow.linalg.norm",)),
    ArrayOp("argmax_pick", PICK,
            "jnp.sum({x} * jax.nn.one_hot(jnp.argmax({x}, axis=-1), {n}, dtype={x}.dtype), axis=-1)",
            "tf.reduce_sum({x} * tf.one_hot(tf.argmax({x}, axis=-1), {n}, dtype={x}.dtype), axis=-1)",
            min_rank=1, jax_rules=("lax.argmax.jvp_zero", "lax.eq.jvp_zero"),
            tf_grads=("math_grad.Mul", "math_grad.Sum")),  # TF's tape never asks for ArgMax's gradient
    # ---------------------------------------------------------------- along an axis, same shape
    ArrayOp("cumsum", AXISWISE, "jnp.cumsum({x}, axis={axis})",
            "tf.math.cumsum({x}, axis={axis}, exclusive={exclusive}, reverse={reverse})",
            axis=ONE_AXIS, min_rank=1,
            params=(_p("exclusive", "False", "True"), _p("reverse", "False", "True")),
            jax_rules=("lax.cumsum.transpose",), tf_grads=("math_grad.Cumsum",),
            tf_aliases=("tensorflow.cumsum",)),
    ArrayOp("cumsum_reverse", AXISWISE, "lax.cumsum({x}, axis={axis}, reverse={reverse})", None,
            axis=ONE_AXIS, negative_axis=False, min_rank=1, params=(_p("reverse", "True", "False"),),
            jax_rules=("lax.cumsum.transpose",)),
    ArrayOp("cumprod", AXISWISE, "jnp.cumprod({x}, axis={axis})",
            "tf.math.cumprod({x}, axis={axis}, exclusive={exclusive}, reverse={reverse})",
            axis=ONE_AXIS, min_rank=1, domains=(NONZERO,),
            params=(_p("exclusive", "False", "True"), _p("reverse", "False", "True")),
            jax_rules=("lax.cumprod.jvp",), tf_grads=("math_grad.Cumprod",),
            tf_aliases=("tensorflow.cumprod",)),
    ArrayOp("cumlogsumexp", AXISWISE, "lax.cumlogsumexp({x}, axis={axis}, reverse={reverse})",
            "tf.math.cumulative_logsumexp({x}, axis={axis}, exclusive=False, reverse={reverse})",
            axis=ONE_AXIS, negative_axis=False, min_rank=1, params=(_p("reverse", "False", "True"),),
            jax_rules=("lax.cumlogsumexp.jvp",), tf_grads=("math_grad.CumulativeLogsumexp",)),
    ArrayOp("cummax", AXISWISE, "lax.cummax({x}, axis={axis}, reverse={reverse})", None,
            axis=ONE_AXIS, negative_axis=False, min_rank=1, params=(_p("reverse", "False", "True"),),
            jax_rules=("lax.cummax.jvp",)),
    ArrayOp("cummin", AXISWISE, "lax.cummin({x}, axis={axis}, reverse={reverse})", None,
            axis=ONE_AXIS, negative_axis=False, min_rank=1, params=(_p("reverse", "False", "True"),),
            jax_rules=("lax.cummin.jvp",)),
    ArrayOp("softmax", AXISWISE, "jax.nn.softmax({x}, axis={axis})", "tf.nn.softmax({x}, axis={axis})",
            axis=ONE_AXIS, min_rank=1, output=POSITIVE,
            jax_rules=("lax.exp.jvp", "lax.div.jvp", "lax.reduce_max.jvp"), tf_grads=("nn_grad.Softmax",),
            tf_aliases=("tensorflow.math.softmax",)),
    ArrayOp("log_softmax", AXISWISE, "jax.nn.log_softmax({x}, axis={axis})",
            "tf.nn.log_softmax({x}, axis={axis})", axis=ONE_AXIS, min_rank=1,
            jax_rules=("lax.exp.jvp", "lax.log.jvp", "lax.reduce_max.jvp"), tf_grads=("nn_grad.LogSoftmax",),
            tf_aliases=("tensorflow.math.log_softmax",)),
    ArrayOp("sort", AXISWISE, "jnp.sort({x}, axis={axis})",
            "tf.sort({x}, axis={axis}, direction={direction})",
            axis=ONE_AXIS, min_rank=1, params=(_p("direction", "'ASCENDING'", "'DESCENDING'"),),
            jax_rules=("lax.sort.jvp",), tf_grads=("nn_grad.TopKV2",)),
    ArrayOp("flip", AXISWISE, "jnp.flip({x}, axis={axis})", "tf.reverse({x}, axis=[{axis}])",
            axis=ONE_AXIS, min_rank=1, jax_rules=("lax.rev.transpose",), tf_grads=("array_grad.ReverseV2",)),
    ArrayOp("roll", AXISWISE, "jnp.roll({x}, {shift}, axis={axis})", "tf.roll({x}, {shift}, axis={axis})",
            axis=ONE_AXIS, min_rank=1, params=(_p("shift", "1", "-1", "2"),),
            jax_rules=("lax.slice.transpose", "lax.concatenate.transpose"), tf_grads=("manip_grad.Roll",)),
    ArrayOp("max_pool", AXISWISE, "lax.reduce_window({x}, -jnp.inf, lax.max, {window}, {strides}, 'SAME')",
            None, axis=ONE_AXIS, min_rank=1, jax_rules=("lax.reduce_window_max.jvp",)),
    ArrayOp("sum_pool", AXISWISE, "lax.reduce_window({x}, 0.0, lax.add, {window}, {strides}, 'SAME')",
            None, axis=ONE_AXIS, min_rank=1, jax_rules=("lax.reduce_window_sum.transpose",)),
    # ---------------------------------------------------------------- shape changing
    ArrayOp("top_k", TOP_K, "lax.top_k({x}, {k})[0]", "tf.math.top_k({x}, k={k}).values",
            axis=LAST_AXIS, min_rank=1, jax_rules=("lax.top_k.jvp",), tf_grads=("nn_grad.TopKV2",)),
    ArrayOp("matmul", MATMUL, "jnp.matmul({x}, {y})", "tf.linalg.matmul({x}, {y})", arity=2,
            domains=(REAL, REAL), min_rank=2, exact_rank=2, jax_rules=("lax.dot_general.transpose",),
            tf_grads=("math_grad.MatMul",), tf_aliases=("tensorflow.matmul",)),
    ArrayOp("batch_matmul", MATMUL, "jnp.matmul({x}, {y})", "tf.linalg.matmul({x}, {y})", arity=2,
            domains=(REAL, REAL), min_rank=3, jax_rules=("lax.dot_general.transpose",),
            tf_grads=("math_grad.BatchMatMulV2",), tf_aliases=("tensorflow.matmul",)),
    ArrayOp("einsum", MATMUL, "jnp.einsum('...ij,jk->...ik', {x}, {y})",
            "tf.einsum('...ij,jk->...ik', {x}, {y})",
            arity=2, domains=(REAL, REAL), min_rank=2, jax_rules=("lax.dot_general.transpose",),
            tf_grads=("linalg_grad.Einsum",)),
    ArrayOp("gram", GRAM, "jnp.matmul({x}, jnp.swapaxes({x}, -1, -2))",
            "tf.linalg.matmul({x}, {x}, transpose_b=True)", min_rank=2, exact_rank=2,
            jax_rules=("lax.dot_general.transpose", "lax.transpose.transpose"),
            tf_grads=("math_grad.MatMul",)),
    ArrayOp("batch_gram", GRAM, "jnp.matmul({x}, jnp.swapaxes({x}, -1, -2))",
            "tf.linalg.matmul({x}, {x}, transpose_b=True)", min_rank=3,
            jax_rules=("lax.dot_general.transpose", "lax.transpose.transpose"),
            tf_grads=("math_grad.BatchMatMulV2",)),
    ArrayOp("cholesky_gram", GRAM,
            "jnp.linalg.cholesky(jnp.matmul({x}, jnp.swapaxes({x}, -1, -2))"
            " + {m} * jnp.eye({m}, dtype={x}.dtype))",
            "tf.linalg.cholesky(tf.linalg.matmul({x}, {x}, transpose_b=True)"
            " + {m} * tf.eye({m}, dtype={x}.dtype))",
            min_rank=2, jax_rules=("lax.cholesky.jvp", "lax.triangular_solve.transpose"),
            tf_grads=("linalg_grad.Cholesky",)),
    ArrayOp("solve", SOLVE, "jnp.linalg.solve({y}, {x})", "tf.linalg.solve({y}, {x})", arity=2,
            domains=(REAL, MATRIX), min_rank=2, exact_rank=2,
            jax_rules=("lax.custom_linear_solve.jvp", "lax.custom_linear_solve.transpose"),
            tf_grads=("linalg_grad.MatrixSolve",)),
    ArrayOp("conv2d", CONV,
            "lax.conv_general_dilated({x}, {y}, window_strides={strides}, padding={padding})",
            "tf.nn.conv2d({x}, {y}, strides={strides}, padding={padding})", arity=2, domains=(REAL, REAL),
            min_rank=4, exact_rank=4, params=(_p("padding", "'SAME'", "'VALID'"),),
            jax_rules=("lax.conv_general_dilated.transpose",),
            tf_grads=("nn_grad.Conv2D",)),
    ArrayOp("transpose", TRANSPOSE, "jnp.transpose({x}, {perm})", "tf.transpose({x}, perm={perm})",
            min_rank=2, jax_rules=("lax.transpose.transpose",), tf_grads=("array_grad.Transpose",)),
    ArrayOp("reshape", RESHAPE, "jnp.reshape({x}, {shape})", "tf.reshape({x}, {shape})",
            jax_rules=("lax.reshape.transpose",), tf_grads=("array_grad.Reshape",)),
    ArrayOp("expand_dims", EXPAND, "jnp.expand_dims({x}, {axis})", "tf.expand_dims({x}, {axis})",
            axis=ONE_AXIS, jax_rules=("lax.broadcast_in_dim.jvp", "lax.broadcast_in_dim.transpose"),
            tf_grads=("array_grad.ExpandDims",)),
    ArrayOp("squeeze", SQUEEZE, "jnp.squeeze({x}, {axis})", "tf.squeeze({x}, {axis})", axis=ONE_AXIS,
            min_rank=1, jax_rules=("lax.squeeze.transpose",), tf_grads=("array_grad.Squeeze",)),
    ArrayOp("tile", TILE, "jnp.tile({x}, {reps})", "tf.tile({x}, {reps})", min_rank=1,
            jax_rules=("lax.tile.transpose",), tf_grads=("array_grad.Tile",)),
    ArrayOp("pad", PAD, "jnp.pad({x}, {widths})", "tf.pad({x}, {widths})", min_rank=1,
            jax_rules=("lax.pad.transpose",), tf_grads=("array_grad.Pad",)),
    ArrayOp("slice", SLICE, "{x}[..., 1:]", "{x}[..., 1:]", min_rank=1,
            jax_rules=("lax.slice.jvp", "lax.slice.transpose"), tf_grads=("array_grad.StridedSlice",)),
    ArrayOp("broadcast_to", BROADCAST, "jnp.broadcast_to({x}, {shape})", "tf.broadcast_to({x}, {shape})",
            jax_rules=("lax.broadcast_in_dim.transpose",), tf_grads=("array_grad.BroadcastTo",)),
    ArrayOp("concatenate", JOIN, "jnp.concatenate([{x}, {y}], axis={axis})",
            "tf.concat([{x}, {y}], axis={axis})",
            arity=2, domains=(REAL, REAL), axis=ONE_AXIS, min_rank=1,
            jax_rules=("lax.concatenate.transpose",), tf_grads=("array_grad.ConcatV2",)),
    ArrayOp("stack", JOIN, "jnp.stack([{x}, {y}], axis={axis})", "tf.stack([{x}, {y}], axis={axis})",
            arity=2, domains=(REAL, REAL), axis=ONE_AXIS,
            jax_rules=("lax.stack.transpose",), tf_grads=("array_grad.Pack",)),
    ArrayOp("take", GATHER, "jnp.take({x}, {index}, axis={axis})", "tf.gather({x}, {index}, axis={axis})",
            axis=ONE_AXIS, min_rank=1, jax_rules=("lax.gather.jvp", "lax.gather.transpose"),
            tf_grads=("array_grad.GatherV2",)),
    ArrayOp("scatter_add", ELEMENTWISE, "{x}.at[0].add({x}[-1] * {scale})",
            "tf.tensor_scatter_nd_add({x}, [[0]], {x}[-1:] * {scale})", min_rank=1,
            params=(_p("scale", "2.0", "-1.0", "0.5"),),
            jax_rules=("lax.scatter-add.jvp", "lax.scatter-add.transpose"),
            tf_grads=("array_grad.TensorScatterAdd",)),
    # ---------------------------------------------------------------- control flow (jax)
    ArrayOp("fori_loop", ELEMENTWISE, "lax.fori_loop(0, {trips}, lambda i, c: jnp.sin(c) * 0.5 + {x}, {x})",
            None, params=(_p("trips", "2", "3", "4"),),
            jax_rules=("lax.scan.jvp", "lax.scan.linearize", "lax.scan.transpose")),
    ArrayOp("cond", ELEMENTWISE, "lax.cond(jnp.sum({x}) > 0.0, jnp.sin, jnp.tanh, {x})",
            "tf.cond(tf.reduce_sum({x}) > 0.0, lambda: tf.sin({x}), lambda: tf.tanh({x}))",
            jax_rules=("lax.cond.jvp", "lax.cond.transpose")),
)  # fmt: skip

BY_NAME: dict[str, ArrayOp] = {op.name: op for op in OPS}


def ops_for(target: str, kinds: Iterable[str] | None = None) -> list[ArrayOp]:
    """The ops generators emit for ``target``, optionally of some kinds only."""
    wanted = set(kinds) if kinds is not None else None
    return [op for op in OPS if op.generated(target) and (wanted is None or op.kind in wanted)]


def ops_reaching(target: str, unit: str) -> list[ArrayOp]:
    """The generated ops whose differentiation reaches the rule or gradient registration ``unit``."""
    return [op for op in OPS if op.generated(target) and unit in op.rules(target)]


def aimable_units(target: str) -> list[str]:
    """Every rule/gradient id some generated op of the registry reaches for ``target``, sorted."""
    return sorted({unit for op in OPS if op.generated(target) for unit in op.rules(target)})


def recognizer(target: str) -> dict[str, ArrayOp]:
    """Full dotted call name (``jax.numpy.sin``, ``tensorflow.math.sin``) -> op, for ``target``."""
    found: dict[str, ArrayOp] = {}
    for op in OPS:
        for name in op.call_names(target):
            found.setdefault(name, op)
    return found


def adapt(target: str, domain: str, value: str) -> str:
    """Source taking the value ``value`` into ``domain`` (itself when the domain is real)."""
    if domain == REAL:
        return value
    return ADAPTERS[target][domain].format(v=value)
