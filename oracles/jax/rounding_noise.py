"""Rounding noise for JAX: the program is traced to a jaxpr and interpreted primitive by primitive,
each float64 result of a primitive that rounds perturbed by a random relative error of at most
the unit roundoff (the model of :mod:`oracles.rounding`).

Calls (``jit``, custom derivative rules, ``closed_call``) are entered, so the primitives inside
them are perturbed one by one too; control flow (``scan``, ``while``, ``cond``) runs as one
unperturbed primitive whose result is perturbed, an approximation that can only understate
the spread.  Primitives that are exact in any precision (data movement, selection,
comparisons, max/min, sign flips, casts) are left unperturbed.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

EXACT_PRIMITIVES = frozenset(
    {
        "abs", "argmax", "argmin", "broadcast_in_dim", "ceil", "clamp", "concatenate", "convert_element_type",
        "copy", "copy_p", "dynamic_slice", "dynamic_update_slice", "eq", "expand_dims", "floor", "gather",
        "ge", "gt", "iota", "le", "lt", "max", "min", "ne", "neg", "not", "and", "or", "pad",
        "reduce_max", "reduce_min", "reduce_precision", "reshape", "rev", "round", "scatter", "select_n",
        "sign", "slice", "sort", "squeeze", "stop_gradient", "transpose",
    }
)  # fmt: skip
# Primitives whose parameters hold the closed jaxpr they call: interpreted, not bound.
CALL_JAXPR_PARAMS = ("jaxpr", "call_jaxpr", "fun_jaxpr")
CALLS = frozenset({"jit", "pjit", "closed_call", "core_call", "custom_jvp_call", "custom_vjp_call", "remat"})


@dataclasses.dataclass
class _Noise:
    unit: float
    generator: np.random.Generator


_ACTIVE: contextvars.ContextVar[_Noise | None] = contextvars.ContextVar("jax_rounding_noise", default=None)


@contextlib.contextmanager
def rounding_noise(unit: float, seed: int) -> Iterator[None]:
    """Inside, :func:`interpret` perturbs every float64 primitive result by ``1 + unit * r``, ``r``
    uniform in [-1, 1] (drawn from ``seed``)."""
    token = _ACTIVE.set(_Noise(unit, np.random.default_rng(seed)))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def interpret(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` evaluated primitive by primitive, under the active noise (none outside
    :func:`rounding_noise`)."""
    import jax

    closed, shapes = jax.make_jaxpr(function, return_shape=True)(*args)
    flat = _evaluate(closed.jaxpr, closed.consts, jax.tree_util.tree_leaves(args))
    return jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(shapes), flat)


def _evaluate(jaxpr: Any, consts: Sequence[Any], args: Sequence[Any]) -> list[Any]:
    from jax.extend.core import Literal

    values: dict[Any, Any] = dict(zip(jaxpr.constvars, consts, strict=True))
    values.update(zip(jaxpr.invars, args, strict=True))

    def read(var: Any) -> Any:
        return var.val if isinstance(var, Literal) else values[var]

    for equation in jaxpr.eqns:
        inputs = [read(var) for var in equation.invars]
        called = _called_jaxpr(equation)
        if called is not None:
            outputs = _evaluate(called.jaxpr, called.consts, inputs)
        else:
            result = equation.primitive.bind(*inputs, **equation.params)
            outputs = list(result) if equation.primitive.multiple_results else [result]
            if equation.primitive.name not in EXACT_PRIMITIVES:
                outputs = [_perturbed(value) for value in outputs]
        values.update(zip(equation.outvars, outputs, strict=True))
    return [read(var) for var in jaxpr.outvars]


def _called_jaxpr(equation: Any) -> Any:
    if equation.primitive.name not in CALLS:
        return None
    for name in CALL_JAXPR_PARAMS:
        called = equation.params.get(name)
        if called is not None and hasattr(called, "consts"):
            return called
    return None


def _perturbed(value: Any) -> Any:
    import jax.numpy as jnp

    noise = _ACTIVE.get()
    if noise is None or getattr(value, "dtype", None) != jnp.float64 or not np.size(value):
        return value
    r = noise.generator.uniform(-1.0, 1.0, size=np.shape(value))
    return value * (1.0 + noise.unit * r)
