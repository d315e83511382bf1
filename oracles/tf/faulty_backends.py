"""Deliberately wrong TensorFlow pieces, for testing that the oracles catch what they should.

A faulty compiled backend (a name in the ``backends`` setting, for the values oracle):

- ``faulty_sigmoid_xla``: ``tf.function(jit_compile=True)`` with every ``sigmoid`` the program
  calls traced as ``sigmoid(x) * (1 + 1e-3)``, as a wrong lowering would emit.  Only tracing under
  this backend sees the substitution; eager runs, and the other backends, keep the real op.

Faulty gradient registrations (names in the ``tf_faults`` setting), installed in the forked child
just before its program runs, so neither the worker nor any other program sees them.  TF computes
forward-mode JVPs by transposing the registered (reverse-mode) gradient function, which decides
which comparison can see a fault:

- ``tanh_grad_scaled``: ``Tanh``'s gradient is 1.1 times too large.  The fault is linear in the
  upstream gradient, so forward mode (its transpose) is wrong in the same way: reverse and forward
  agree, and only the numeric derivative tells them wrong;
- ``sin_grad_ignores_upstream``: ``Sin``'s gradient returns the local derivative ``cos(x)``
  without multiplying by the upstream gradient (a classic slip).  Its transpose is zero, so
  reverse and forward disagree.

The two touch different ops, so both can be installed at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

SIGMOID_ERROR = 1e-3
_SIGMOID_NAMESPACES = ("", "math", "nn")


@contextlib.contextmanager
def faulty_sigmoid_xla() -> Iterator[None]:
    import tensorflow as tf

    real = tf.math.sigmoid

    def skewed(x: Any, name: str | None = None) -> Any:
        y = real(x, name=name)
        return y * tf.cast(1.0 + SIGMOID_ERROR, y.dtype)

    owners = [tf if not namespace else getattr(tf, namespace) for namespace in _SIGMOID_NAMESPACES]
    saved = [owner.sigmoid for owner in owners]
    for owner in owners:
        owner.sigmoid = skewed
    try:
        yield
    finally:
        for owner, original in zip(owners, saved, strict=True):
            owner.sigmoid = original


FAULTY_BACKENDS: dict[str, Callable[[], contextlib.AbstractContextManager[None]]] = {
    "faulty_sigmoid_xla": faulty_sigmoid_xla,
}

TANH_GRAD_SCALE = 1.1


def _tanh_grad_scaled(op: Any, grad: Any) -> Any:
    y = op.outputs[0]
    return grad * (1.0 - y * y) * TANH_GRAD_SCALE


def _sin_grad_ignores_upstream(op: Any, grad: Any) -> Any:
    import tensorflow as tf

    del grad  # the slip: the upstream gradient is never multiplied in
    return tf.cos(op.inputs[0])


GRADIENT_FAULTS: dict[str, tuple[str, Callable[[Any, Any], Any]]] = {
    "tanh_grad_scaled": ("Tanh", _tanh_grad_scaled),
    "sin_grad_ignores_upstream": ("Sin", _sin_grad_ignores_upstream),
}


@contextlib.contextmanager
def gradient_faults(names: list[str]) -> Iterator[None]:
    """Replace registered gradient functions by faulty ones while the context is open."""
    from tensorflow.python.framework import ops

    unknown = sorted(set(names) - set(GRADIENT_FAULTS))
    if unknown:
        raise ValueError(f"unknown tf fault {unknown[0]!r} (known: {', '.join(sorted(GRADIENT_FAULTS))})")
    registry = ops._gradient_registry._registry
    saved: list[tuple[str, Any]] = []
    for name in names:
        op_type, faulty = GRADIENT_FAULTS[name]
        saved.append((op_type, registry[op_type]["type"]))
        registry[op_type]["type"] = faulty
    try:
        yield
    finally:
        for op_type, original in reversed(saved):
            registry[op_type]["type"] = original
