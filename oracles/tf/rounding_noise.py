"""Rounding noise for TF: the program is traced as a graph (``tf.function``, no XLA) with an op
callback that multiplies each float64 output of an op that rounds by ``1 + unit * r``, ``r``
uniform in [-1, 1], the model of :mod:`oracles.rounding`.

TF has no hook that replaces an eager op's outputs (``op_callbacks`` says so: not implemented),
but while a graph is built a callback may hand back other tensors for an op's outputs, and the
rest of the graph is built on them.  So each noisy evaluation traces the program afresh under the
callback; the noise is a constant of the output's static shape (drawn from the seed), or drawn in
the graph when the shape is not static.  Ops that are exact in any precision (data movement,
selection, comparisons, max/min, sign flips, casts) are left unperturbed; so are the ops the
callback itself adds.  A graph is not eager op for op (Grappler may fold or fuse), so the caller
checks that the noiseless trace gives the referee's values before trusting the spread.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

EXACT_OPS = frozenset(
    {
        "Abs", "ArgMax", "ArgMin", "BroadcastTo", "Cast", "Ceil", "ClipByValue", "ConcatV2", "Const",
        "Equal", "ExpandDims", "Fill", "Floor", "Gather", "GatherNd", "GatherV2", "Greater", "GreaterEqual",
        "Identity", "IdentityN", "Less", "LessEqual", "LogicalAnd", "LogicalNot", "LogicalOr", "Max",
        "Maximum", "Min", "Minimum", "MirrorPad", "Neg", "NotEqual", "OnesLike", "Pack", "Pad", "PadV2",
        "Placeholder", "Range", "Relu", "Reshape", "ResourceGather", "ReadVariableOp", "Reverse",
        "ReverseV2", "Rint", "Round", "Select", "SelectV2", "Shape", "Sign", "Slice", "Split", "SplitV",
        "Squeeze", "StopGradient", "StridedSlice", "Tile", "TopKV2", "Transpose", "Unpack", "ZerosLike",
    }
)  # fmt: skip


@dataclasses.dataclass
class _Noise:
    unit: float
    generator: np.random.Generator
    seed: int


_ACTIVE: contextvars.ContextVar[_Noise | None] = contextvars.ContextVar("tf_rounding_noise", default=None)
_ADDING = threading.local()  # set while the callback adds its own ops: those are not perturbed


@contextlib.contextmanager
def rounding_noise(unit: float, seed: int) -> Iterator[None]:
    """Inside, :func:`evaluate` perturbs every float64 result of an op that rounds."""
    token = _ACTIVE.set(_Noise(unit, np.random.default_rng(seed), seed))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def evaluate(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` traced and run as a graph, under the active noise (none outside
    :func:`rounding_noise`)."""
    import tensorflow as tf
    from tensorflow.python.framework import op_callbacks

    noise = _ACTIVE.get()
    graph = tf.function(function, autograph=False)  # traced afresh: under this call's noise
    if noise is None:
        return graph(*args)
    callback = _perturbing(noise)
    op_callbacks.add_op_callback(callback)
    try:
        return graph(*args)
    finally:
        op_callbacks.remove_op_callback(callback)


def _perturbing(noise: _Noise) -> Callable[..., Any]:
    import tensorflow as tf

    count = [0]

    def perturb(output: Any) -> Any:
        count[0] += 1
        if output.shape.is_fully_defined():
            factor = 1.0 + noise.unit * noise.generator.uniform(-1.0, 1.0, output.shape.as_list())
            return output * tf.constant(factor, dtype=tf.float64)
        uniform = tf.random.stateless_uniform(
            tf.shape(output), seed=[noise.seed, count[0]], minval=-1.0, maxval=1.0, dtype=tf.float64
        )
        return output * (1.0 + noise.unit * uniform)

    def callback(op_type: str, inputs: Any, attrs: Any, outputs: Any, op_name: Any = None, graph: Any = None):
        if graph is None or op_type in EXACT_OPS or getattr(_ADDING, "active", False):
            return None  # eager (cannot be replaced), exact, or our own
        if not any(getattr(o, "dtype", None) == tf.float64 for o in outputs):
            return None
        _ADDING.active = True
        try:
            return [perturb(o) if o.dtype == tf.float64 else o for o in outputs]
        finally:
            _ADDING.active = False

    return callback
