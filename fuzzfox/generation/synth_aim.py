"""What a synthesized torch program needs to aim at an optimization: the ops it names.

An Inductor optimization names the aten ops it rewrites: a pattern matches ``aten.mm``,
``aten.permute``, ``torch.cat``...; a decomposition or lowering is one op's.  Synthesis draws
its graphs from op families of its own (:data:`fuzzfox.generation.synth.OPS`) and, inside some
families, from the op registry; an :class:`Aim` is the families and registry ops an optimization
names, so synthesis can draw those more often.  An optimization that names none of them gets no
aim: synthesis then explores and says so in the program's header (``optimization: explore``),
and the campaign does not count the round against that optimization.
"""

from __future__ import annotations

import dataclasses
import re

from fuzzfox.generation.ops import torch as torch_ops
from fuzzfox.whitebox.optimization import Optimization

# Kinds of optimization that are one op's decomposition or lowering, named by the op.
PER_OP_KINDS = frozenset({"decomposition", "lowering"})
# A name after one of the namespaces patterns and pass sources use for ops.
_OP_NAME = re.compile(r"\b(?:aten|prims|torch|F|nn\.functional|quantized_decomposed)\.(\w+)")

# Aten (and torch-level) names of what synthesis's non-registry families emit, by family.
_FAMILY_NAMES: dict[str, frozenset[str]] = {
    "conv": frozenset({"convolution", "conv1d", "conv2d", "conv3d", "_convolution_pointwise"}),
    "linear": frozenset({"linear", "addmm", "mm", "_linear_pointwise"}),
    "matmul": frozenset({"matmul", "mm", "bmm", "baddbmm"}),
    "layer_norm": frozenset({"layer_norm", "native_layer_norm"}),
    "batch_norm": frozenset(
        {
            "batch_norm",
            "native_batch_norm",
            "_native_batch_norm_legit",
            "_native_batch_norm_legit_no_training",
            "_native_batch_norm_legit_functional",
        }
    ),
    "permute": frozenset({"permute"}),
    "transpose": frozenset({"transpose", "t"}),
    "reshape": frozenset({"view", "reshape", "_unsafe_view"}),
    "flatten": frozenset({"flatten"}),
    "unsqueeze": frozenset({"unsqueeze"}),
    "squeeze": frozenset({"squeeze"}),
    "cat": frozenset({"cat", "concat", "concatenate"}),
    "stack": frozenset({"stack"}),
    "split": frozenset({"split", "split_with_sizes", "unbind", "chunk"}),
    "where": frozenset({"where"}),
    "clamp": frozenset({"clamp", "clamp_min", "clamp_max", "hardtanh"}),
    "cast": frozenset({"convert_element_type", "_to_copy", "to"}),
}
# Families whose builders draw their op from the registry: aimed when the registry op is named.
_REGISTRY_FAMILIES = {"unary": "unary", "binary": "binary", "reduction": "reduce", "softmax": "softmax"}


@dataclasses.dataclass(frozen=True)
class Aim:
    """Synthesis families (names of :data:`~fuzzfox.generation.synth.OPS`) and registry op names
    an optimization's pattern names."""

    families: frozenset[str]
    ops: frozenset[str]


def named_ops(optimization: Optimization) -> frozenset[str]:
    """The ops a program must hold to reach the optimization, by name: a decomposition's or a
    lowering's own op, else the ops its pattern matches, else those its pass's source names (a
    leading underscore's variant is named too: ``_softmax`` as ``softmax``)."""
    if optimization.kind in PER_OP_KINDS:
        names = {optimization.id.rsplit(".", 1)[-1]}
    else:
        names = set(_OP_NAME.findall(optimization.pattern or optimization.source))
    return frozenset(names | {name.lstrip("_") for name in names})


def aim_for(optimization: Optimization) -> Aim | None:
    """What synthesis draws more often for ``optimization``; None when it names nothing synthesis
    draws (the program explores)."""
    names = named_ops(optimization)
    families = {family for family, spelled in _FAMILY_NAMES.items() if names & spelled}
    ops: set[str] = set()
    for registry_family, family in _REGISTRY_FAMILIES.items():
        named = {op.name for op in torch_ops.family(registry_family)} & names
        if named:
            families.add(family)
            ops |= named
    if not families:
        return None
    return Aim(frozenset(families), frozenset(ops))
