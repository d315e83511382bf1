"""The torch op registry: every op the LLM-free generators know, by name and by family.

One :class:`~fuzzfox.generation.ops.torch.op.TorchOp` per op says what it accepts (tensor
operands, the positional and keyword arguments generators write or read, the domain its input
must lie in) and how it is written (``F.relu(x)``, ``torch.relu(x)``, ``x.relu()``,
``torch.nn.ReLU()(x)``).  One module per family holds its ops, in the order generators draw
from; the shared dtype tables are in :mod:`~fuzzfox.generation.ops.torch.dtypes`.  Mutation
(:mod:`fuzzfox.generation.mutate`), synthesis (:mod:`fuzzfox.generation.synth`) and the
tensor-fact inference (:mod:`fuzzfox.generation.tensor_facts`) read it.

Synthesis's op builders (``synth.OPS``) are not here: each is a hypothesis strategy over the
graph being drawn, with its own shape rule, and often writes several ops (a linear layer as
``nn.Linear``, a matmul with a weight, ``F.linear`` or ``addmm``); they name the ops they write
through this registry.  Nothing here imports torch.
"""

from __future__ import annotations

from fuzzfox.generation.ops.torch import (
    binary,
    constructors,
    dtypes,
    layers,
    reductions,
    shapes,
    softmax,
    unary,
)
from fuzzfox.generation.ops.torch.dtypes import (
    CAST_METHOD_DTYPE,
    DTYPE_ALIASES,
    DTYPE_CAST_METHOD,
    FLOAT_DTYPES,
    INT_DTYPES,
)
from fuzzfox.generation.ops.torch.op import FAMILIES, TorchOp

__all__ = [
    "BY_NAME",
    "CAST_METHOD_DTYPE",
    "DTYPE_ALIASES",
    "DTYPE_CAST_METHOD",
    "FLOAT_DTYPES",
    "INT_DTYPES",
    "OPS",
    "TorchOp",
    "family",
    "lookup",
    "names",
]

OPS: tuple[TorchOp, ...] = (
    *unary.OPS,
    *binary.OPS,
    *reductions.OPS,
    *softmax.OPS,
    *dtypes.OPS,
    *constructors.OPS,
    *shapes.OPS,
    *layers.OPS,
)
BY_NAME: dict[str, TorchOp] = {op.name: op for op in OPS}
_BY_FAMILY: dict[str, tuple[TorchOp, ...]] = {
    name: tuple(op for op in OPS if op.family == name) for name in FAMILIES
}
_NAMES: dict[str, tuple[str, ...]] = {name: tuple(op.name for op in ops) for name, ops in _BY_FAMILY.items()}


def lookup(name: str) -> TorchOp:
    """The op called ``name`` (``KeyError`` if there is none)."""
    return BY_NAME[name]


def family(name: str) -> tuple[TorchOp, ...]:
    """The ops of a family (:data:`~fuzzfox.generation.ops.torch.op.FAMILIES`), in draw order."""
    return _BY_FAMILY[name]


def names(family_name: str) -> tuple[str, ...]:
    """The names of a family's ops, in draw order."""
    return _NAMES[family_name]
