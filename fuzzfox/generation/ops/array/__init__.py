"""The array op registry: the ops the LLM-free generators know for jax-xla and tf-xla.

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

The record and its vocabulary are in :mod:`~fuzzfox.generation.ops.array.op`, the ops in one
module per family (elementwise, binary, reductions, axiswise, shapes, control flow), concatenated
here in a fixed order: generators index into it, so the order is part of what a seed draws.
Nothing here imports a framework.
"""

from __future__ import annotations

from collections.abc import Iterable

from fuzzfox.generation.ops.array import axiswise, binary, control, elementwise, reductions, shapes
from fuzzfox.generation.ops.array.op import (
    ABOVE_ONE,
    ADAPTERS,
    AXISWISE,
    BINARY,
    BROADCAST,
    CONV,
    DOMAINS,
    ELEMENTWISE,
    EXPAND,
    GATHER,
    GRAM,
    IMPLIES,
    IMPORTS,
    INPUT_DRAWS,
    JAX,
    JOIN,
    KINDS,
    LAST_AXIS,
    MANY_AXES,
    MATMUL,
    MATRIX,
    NO_AXIS,
    NONZERO,
    ONE_AXIS,
    PAD,
    PICK,
    POSITIVE,
    REAL,
    REDUCE,
    RESHAPE,
    SHAPE_PARAMS,
    SLICE,
    SOLVE,
    SQUEEZE,
    TARGETS,
    TF,
    TILE,
    TOP_K,
    TRANSPOSE,
    UNIT,
    ArrayOp,
    Param,
)

__all__ = [
    "ABOVE_ONE",
    "ADAPTERS",
    "AXISWISE",
    "BINARY",
    "BROADCAST",
    "BY_NAME",
    "CONV",
    "DOMAINS",
    "ELEMENTWISE",
    "EXPAND",
    "GATHER",
    "GRAM",
    "IMPLIES",
    "IMPORTS",
    "INPUT_DRAWS",
    "JAX",
    "JOIN",
    "KINDS",
    "LAST_AXIS",
    "MANY_AXES",
    "MATMUL",
    "MATRIX",
    "NONZERO",
    "NO_AXIS",
    "ONE_AXIS",
    "OPS",
    "PAD",
    "PICK",
    "POSITIVE",
    "REAL",
    "REDUCE",
    "RESHAPE",
    "SHAPE_PARAMS",
    "SLICE",
    "SOLVE",
    "SQUEEZE",
    "TARGETS",
    "TF",
    "TILE",
    "TOP_K",
    "TRANSPOSE",
    "UNIT",
    "ArrayOp",
    "Param",
    "adapt",
    "aimable_units",
    "ops_for",
    "ops_reaching",
    "recognizer",
]

OPS: tuple[ArrayOp, ...] = (
    *elementwise.OPS,
    *binary.OPS,
    *reductions.OPS,
    *axiswise.OPS,
    *shapes.OPS,
    *control.OPS,
)
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


def adapt(target: str, domain: str, value: str, size: int = 0) -> str:
    """Source taking the value ``value`` into ``domain`` (itself when the domain is real); a
    matrix's ``size`` is its number of rows."""
    if domain == REAL:
        return value
    return ADAPTERS[target][domain].format(v=value, n=size)
