"""The catalogue of op equivalences: the same computation written in torch, JAX and TensorFlow.

Each entry names its inputs (shapes, value domain), and gives one Python *expression* per
framework over the input names.  Expressions are strings, evaluated in a worker process that
imported only that framework, with these names bound:

- torch: ``torch``, ``F`` (``torch.nn.functional``)
- jax: ``jax``, ``jnp``, ``lax``
- tf: ``tf``

so this module imports no framework and the catalogue can be listed, stored and shown as text.
Inputs arrive as arrays of the run's dtype (float32 or float64); every entry's output is one
array in the *torch layout* (NCHW for convolutions): the JAX and TF expressions transpose
explicitly where their natural layout differs.

Known semantic differences, encoded here so they are not reported as bugs:

- GELU: ``torch.nn.functional.gelu`` is exact (erf) by default, ``jax.nn.gelu`` is the tanh
  approximation by default (``approximate=True``), ``tf.nn.gelu`` is exact by default
  (``approximate=False``).  Two entries: ``gelu_exact`` and ``gelu_tanh``, each variant named
  explicitly in every framework.
- Standard deviation / variance: ``torch.std``/``torch.var`` are unbiased (ddof=1, Bessel) by
  default; ``jnp.std``/``jnp.var`` use ddof=0; ``tf.math.reduce_std``/``reduce_variance`` are
  population (ddof=0) only.  ``var_ddof0`` uses ddof=0 everywhere (``correction=0`` in torch);
  ``std_ddof1`` uses ddof=1 (torch default, ``ddof=1`` in JAX, TF's population std times
  sqrt(n/(n-1))).
- Convolution layout: torch is NCHW input / OIHW weight; ``tf.nn.conv2d`` is NHWC / HWIO on
  CPU; ``lax.conv_general_dilated`` takes explicit ``dimension_numbers``.  ``conv2d_nchw`` has
  JAX run in NCHW/OIHW directly; ``conv2d_nhwc`` and ``conv2d_stride2_pad1`` have JAX run in
  NHWC/HWIO (transposing in and out) like TF, so both layouts are exercised.
- Softplus: torch switches to the identity above ``threshold=20``; the domains here stay far
  below it.
- layer_norm: JAX and TF have no core layer_norm op; their side is the textbook formula
  (mean, population variance, ``eps`` inside the square root, eps 1e-5 as torch's default).
- Max/min reductions: at ties torch ``amax`` splits the gradient evenly, others may not;
  continuous random inputs have no ties.
- Domains keep away from kinks and edges (0 for abs/relu/where, the clamp bounds, x <= 0 for
  log/sqrt/rsqrt, 0 for division), where frameworks may legitimately choose different
  subgradients.
"""

from __future__ import annotations

import dataclasses
import zlib

import numpy as np

FRAMEWORKS = ("torch", "jax", "tf")


@dataclasses.dataclass(frozen=True)
class Domain:
    """Uniform values in [low, high], pushed at least ``margin`` away from every point in ``avoid``."""

    low: float
    high: float
    avoid: tuple[float, ...] = ()
    margin: float = 0.05

    def draw(self, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        values = rng.uniform(self.low, self.high, size=shape)
        for point in self.avoid:
            near = np.abs(values - point) < self.margin
            # Push to the nearer side of the exclusion band, keeping the sign of the offset.
            side = np.where(values[near] >= point, 1.0, -1.0)
            values[near] = point + side * (self.margin + np.abs(values[near] - point))
        return values


REAL = Domain(-2.0, 2.0)
POSITIVE = Domain(0.5, 2.0)
NEAR_ONE = Domain(0.6, 1.4)  # products and powers that stay finite
UNIT = Domain(-0.9, 0.9)
NONZERO = Domain(-2.0, 2.0, avoid=(0.0,), margin=0.1)
OFF_CLAMP = Domain(-1.0, 1.0, avoid=(-0.5, 0.5), margin=0.05)


@dataclasses.dataclass(frozen=True)
class Equivalence:
    """One computation in every framework.

    ``shapes`` lists alternatives; each alternative gives one shape per input (so related inputs,
    e.g. matmul's inner dimension, stay consistent).  ``domains`` gives one Domain per input.
    """

    name: str
    inputs: tuple[str, ...]
    shapes: tuple[tuple[tuple[int, ...], ...], ...]
    domains: tuple[Domain, ...]
    torch: str
    jax: str
    tf: str
    note: str = ""

    def expression(self, framework: str) -> str:
        return getattr(self, framework)


def _elementwise(
    name: str, torch: str, jax: str, tf: str, domain: Domain = REAL, note: str = ""
) -> Equivalence:
    return Equivalence(name, ("x",), ELEMENTWISE_SHAPES, (domain,), torch, jax, tf, note)


def _binary(name: str, torch: str, jax: str, tf: str, x: Domain, y: Domain, note: str = "") -> Equivalence:
    shapes = (((7,), (7,)), ((3, 5), (3, 5)), ((2, 3, 4), (2, 3, 4)))
    return Equivalence(name, ("x", "y"), shapes, (x, y), torch, jax, tf, note)


def _reduction(
    name: str, torch: str, jax: str, tf: str, domain: Domain = REAL, note: str = ""
) -> Equivalence:
    return Equivalence(name, ("x",), REDUCTION_SHAPES, (domain,), torch, jax, tf, note)


ELEMENTWISE_SHAPES: tuple[tuple[tuple[int, ...], ...], ...] = (((7,),), ((3, 5),), ((2, 3, 4),))
REDUCTION_SHAPES: tuple[tuple[tuple[int, ...], ...], ...] = (((3, 5),), ((2, 3, 4),), ((4, 6),))

CATALOGUE: tuple[Equivalence, ...] = (
    # Elementwise math.
    _elementwise("exp", "torch.exp(x)", "jnp.exp(x)", "tf.math.exp(x)"),
    _elementwise("log", "torch.log(x)", "jnp.log(x)", "tf.math.log(x)", POSITIVE),
    _elementwise("log1p", "torch.log1p(x)", "jnp.log1p(x)", "tf.math.log1p(x)", UNIT),
    _elementwise("expm1", "torch.expm1(x)", "jnp.expm1(x)", "tf.math.expm1(x)"),
    _elementwise("sin", "torch.sin(x)", "jnp.sin(x)", "tf.math.sin(x)"),
    _elementwise("cos", "torch.cos(x)", "jnp.cos(x)", "tf.math.cos(x)"),
    _elementwise("tanh", "torch.tanh(x)", "jnp.tanh(x)", "tf.math.tanh(x)"),
    _elementwise("sigmoid", "torch.sigmoid(x)", "jax.nn.sigmoid(x)", "tf.math.sigmoid(x)"),
    _elementwise("abs", "torch.abs(x)", "jnp.abs(x)", "tf.math.abs(x)", NONZERO),
    _elementwise("sqrt", "torch.sqrt(x)", "jnp.sqrt(x)", "tf.math.sqrt(x)", POSITIVE),
    _elementwise("rsqrt", "torch.rsqrt(x)", "lax.rsqrt(x)", "tf.math.rsqrt(x)", POSITIVE),
    _elementwise("erf", "torch.erf(x)", "jax.scipy.special.erf(x)", "tf.math.erf(x)"),
    _elementwise("softplus", "F.softplus(x)", "jax.nn.softplus(x)", "tf.math.softplus(x)"),
    _elementwise(
        "gelu_exact",
        "F.gelu(x)",
        "jax.nn.gelu(x, approximate=False)",
        "tf.nn.gelu(x, approximate=False)",
        note="erf form; torch's and TF's default, not JAX's",
    ),
    _elementwise(
        "gelu_tanh",
        "F.gelu(x, approximate='tanh')",
        "jax.nn.gelu(x, approximate=True)",
        "tf.nn.gelu(x, approximate=True)",
        note="tanh approximation; JAX's default",
    ),
    _elementwise("relu", "torch.relu(x)", "jax.nn.relu(x)", "tf.nn.relu(x)", NONZERO),
    _elementwise(
        "clamp",
        "torch.clamp(x, -0.5, 0.5)",
        "jnp.clip(x, -0.5, 0.5)",
        "tf.clip_by_value(x, -0.5, 0.5)",
        OFF_CLAMP,
    ),
    _binary(
        "pow",
        "torch.pow(x, y)",
        "jnp.power(x, y)",
        "tf.math.pow(x, y)",
        POSITIVE,
        REAL,
        note="positive base, so the exponent's gradient log(x) exists",
    ),
    _binary("div", "x / y", "x / y", "tf.math.divide(x, y)", REAL, NONZERO),
    _binary(
        "where",
        "torch.where(x > 0, x * y, y * y)",
        "jnp.where(x > 0, x * y, y * y)",
        "tf.where(x > 0, x * y, y * y)",
        NONZERO,
        REAL,
    ),
    # Matrix products.
    Equivalence(
        "matmul",
        ("a", "b"),
        (((3, 4), (4, 5)), ((6, 2), (2, 3))),
        (REAL, REAL),
        "torch.matmul(a, b)",
        "jnp.matmul(a, b)",
        "tf.linalg.matmul(a, b)",
    ),
    Equivalence(
        "bmm",
        ("a", "b"),
        (((2, 3, 4), (2, 4, 5)), ((3, 2, 6), (3, 6, 2))),
        (REAL, REAL),
        "torch.bmm(a, b)",
        "jnp.matmul(a, b)",
        "tf.linalg.matmul(a, b)",
    ),
    # Convolutions: output always NCHW.
    Equivalence(
        "conv2d_nchw",
        ("x", "w"),
        (((2, 3, 6, 6), (4, 3, 3, 3)), ((1, 2, 5, 7), (3, 2, 2, 3))),
        (REAL, REAL),
        "F.conv2d(x, w)",
        "lax.conv_general_dilated(x, w, (1, 1), 'VALID', dimension_numbers=('NCHW', 'OIHW', 'NCHW'))",
        "tf.transpose(tf.nn.conv2d(tf.transpose(x, [0, 2, 3, 1]), tf.transpose(w, [2, 3, 1, 0]), "
        "strides=1, padding='VALID'), [0, 3, 1, 2])",
        note="TF has no NCHW conv on CPU: NHWC/HWIO with transposes in and out",
    ),
    Equivalence(
        "conv2d_nhwc",
        ("x", "w"),
        (((2, 3, 6, 6), (4, 3, 3, 3)),),
        (REAL, REAL),
        "F.conv2d(x, w)",
        "jnp.transpose(lax.conv_general_dilated(jnp.transpose(x, (0, 2, 3, 1)), "
        "jnp.transpose(w, (2, 3, 1, 0)), (1, 1), 'VALID', "
        "dimension_numbers=('NHWC', 'HWIO', 'NHWC')), (0, 3, 1, 2))",
        "tf.transpose(tf.nn.conv2d(tf.transpose(x, [0, 2, 3, 1]), tf.transpose(w, [2, 3, 1, 0]), "
        "strides=1, padding='VALID'), [0, 3, 1, 2])",
        note="JAX in NHWC/HWIO dimension numbers",
    ),
    Equivalence(
        "conv2d_stride2_pad1",
        ("x", "w"),
        (((2, 3, 7, 7), (4, 3, 3, 3)), ((1, 2, 8, 6), (2, 2, 3, 3))),
        (REAL, REAL),
        "F.conv2d(x, w, stride=2, padding=1)",
        "jnp.transpose(lax.conv_general_dilated(jnp.transpose(x, (0, 2, 3, 1)), "
        "jnp.transpose(w, (2, 3, 1, 0)), (2, 2), ((1, 1), (1, 1)), "
        "dimension_numbers=('NHWC', 'HWIO', 'NHWC')), (0, 3, 1, 2))",
        "tf.transpose(tf.nn.conv2d(tf.transpose(x, [0, 2, 3, 1]), tf.transpose(w, [2, 3, 1, 0]), "
        "strides=2, padding=[[0, 0], [1, 1], [1, 1], [0, 0]]), [0, 3, 1, 2])",
        note="explicit symmetric padding, not 'SAME' (TF's SAME pads asymmetrically at stride 2)",
    ),
    # Reductions.
    _reduction("sum", "torch.sum(x, dim=-1)", "jnp.sum(x, axis=-1)", "tf.math.reduce_sum(x, axis=-1)"),
    _reduction("mean", "torch.mean(x)", "jnp.mean(x)", "tf.math.reduce_mean(x)"),
    _reduction("amax", "torch.amax(x, dim=1)", "jnp.max(x, axis=1)", "tf.math.reduce_max(x, axis=1)"),
    _reduction("amin", "torch.amin(x, dim=0)", "jnp.min(x, axis=0)", "tf.math.reduce_min(x, axis=0)"),
    _reduction(
        "prod", "torch.prod(x, dim=-1)", "jnp.prod(x, axis=-1)", "tf.math.reduce_prod(x, axis=-1)", NEAR_ONE
    ),
    _reduction(
        "logsumexp",
        "torch.logsumexp(x, dim=-1)",
        "jax.nn.logsumexp(x, axis=-1)",
        "tf.math.reduce_logsumexp(x, axis=-1)",
    ),
    _reduction(
        "var_ddof0",
        "torch.var(x, dim=-1, correction=0)",
        "jnp.var(x, axis=-1)",
        "tf.math.reduce_variance(x, axis=-1)",
        note="population variance (ddof=0): torch needs correction=0",
    ),
    _reduction(
        "std_ddof1",
        "torch.std(x, dim=-1)",
        "jnp.std(x, axis=-1, ddof=1)",
        "tf.math.reduce_std(x, axis=-1) * tf.sqrt(tf.cast(tf.shape(x)[-1], x.dtype) "
        "/ tf.cast(tf.shape(x)[-1] - 1, x.dtype))",
        note="unbiased std (ddof=1): torch's default; TF's reduce_std is population std",
    ),
    # Softmax family.
    _reduction(
        "softmax", "torch.softmax(x, dim=-1)", "jax.nn.softmax(x, axis=-1)", "tf.nn.softmax(x, axis=-1)"
    ),
    _reduction(
        "log_softmax",
        "torch.log_softmax(x, dim=-1)",
        "jax.nn.log_softmax(x, axis=-1)",
        "tf.nn.log_softmax(x, axis=-1)",
    ),
    # Norms.
    _reduction("vector_norm", "torch.linalg.vector_norm(x)", "jnp.linalg.norm(jnp.ravel(x))", "tf.norm(x)"),
    Equivalence(
        "frobenius_norm",
        ("x",),
        (((3, 5),), ((4, 4),)),
        (REAL,),
        "torch.linalg.matrix_norm(x, 'fro')",
        "jnp.linalg.norm(x, 'fro')",
        "tf.norm(x, ord='fro', axis=[-2, -1])",
    ),
    Equivalence(
        "layer_norm",
        ("x", "g", "b"),
        (((3, 6), (6,), (6,)), ((2, 3, 5), (5,), (5,))),
        (REAL, REAL, REAL),
        "F.layer_norm(x, x.shape[-1:], weight=g, bias=b, eps=1e-5)",
        "(x - jnp.mean(x, axis=-1, keepdims=True)) "
        "* lax.rsqrt(jnp.var(x, axis=-1, keepdims=True) + 1e-5) * g + b",
        "(x - tf.reduce_mean(x, axis=-1, keepdims=True)) "
        "* tf.math.rsqrt(tf.math.reduce_variance(x, axis=-1, keepdims=True) + 1e-5) * g + b",
        note="eps 1e-5 inside the square root, population variance; JAX/TF by formula",
    ),
    _reduction("cumsum", "torch.cumsum(x, dim=1)", "jnp.cumsum(x, axis=1)", "tf.math.cumsum(x, axis=1)"),
)

BY_NAME: dict[str, Equivalence] = {entry.name: entry for entry in CATALOGUE}


class UnknownEquivalenceError(ValueError):
    pass


def select(names: list[str] | None) -> list[Equivalence]:
    """Entries by name, in the order given (all of them for None or an empty list)."""
    if not names:
        return list(CATALOGUE)
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        raise UnknownEquivalenceError(
            f"unknown ops {', '.join(unknown)} (known: {', '.join(sorted(BY_NAME))})"
        )
    return [BY_NAME[name] for name in names]


def draw_inputs(entry: Equivalence, seed: int, draw: int) -> dict[str, np.ndarray]:
    """The inputs of one draw, float64, reproducible from (seed, draw, entry name) in any process."""
    rng = np.random.default_rng([seed, draw, zlib.crc32(entry.name.encode())])
    shapes = entry.shapes[int(rng.integers(len(entry.shapes)))]
    return {
        name: domain.draw(rng, shape)
        for name, shape, domain in zip(entry.inputs, shapes, entry.domains, strict=True)
    }


def loss_weights(seed: int, draw: int, shape: tuple[int, ...]) -> np.ndarray:
    """The weights w of L = sum(w * f(x)), a function of the output shape: the same in every framework."""
    rng = np.random.default_rng([seed, draw, 0x5EED])
    return rng.uniform(0.5, 1.5, size=shape)
