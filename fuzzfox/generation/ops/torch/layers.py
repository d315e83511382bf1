"""torch.nn layers: their size arguments (mutation resizes them with the inputs) and what they do
to their input's rank; and the nn classes of the unary activations (``nn.ReLU`` for relu).

``keeps_rank`` and ``result_rank`` are what the tensor-fact inference carries through a layer;
where neither is given (InstanceNorm, Embedding) it leaves the result unknown.
"""

from __future__ import annotations

from fuzzfox.generation.ops.torch import unary
from fuzzfox.generation.ops.torch.op import LAYER, TorchOp

CONVOLUTION_SIZES = ((0, "in_channels"), (1, "out_channels"))
FEATURE_SIZES = ((0, "num_features"),)


def _layer(
    name: str, sizes: tuple[tuple[int, str], ...] = (), rank: int | None = None, keeps_rank: bool = False
) -> TorchOp:
    return TorchOp(name, LAYER, "n", size_arguments=sizes, result_rank=rank, keeps_rank=keeps_rank)


OPS: tuple[TorchOp, ...] = (
    *(_layer(f"Conv{d}d", CONVOLUTION_SIZES, rank=d + 2) for d in (1, 2, 3)),
    *(_layer(f"ConvTranspose{d}d", CONVOLUTION_SIZES, rank=d + 2) for d in (1, 2, 3)),
    *(_layer(f"BatchNorm{d}d", FEATURE_SIZES, keeps_rank=True) for d in (1, 2, 3)),
    *(_layer(f"InstanceNorm{d}d", FEATURE_SIZES) for d in (1, 2)),
    _layer("Linear", ((0, "in_features"), (1, "out_features")), keeps_rank=True),
    _layer("LayerNorm", ((0, "normalized_shape"),), keeps_rank=True),
    _layer("GroupNorm", ((1, "num_channels"),), keeps_rank=True),
    _layer("Embedding", ((0, "num_embeddings"), (1, "embedding_dim"))),
    _layer("Dropout", keeps_rank=True),
    _layer("Identity", keeps_rank=True),
)
# nn class -> the size arguments of it that follow the input sizes.
LAYER_SIZES: dict[str, tuple[tuple[int, str], ...]] = {
    op.name: op.size_arguments for op in OPS if op.size_arguments
}
# nn activation class -> its unary op, in the unary ops' order (mutation draws from it).
ACTIVATION_MODULES: dict[str, str] = {op.module: op.name for op in unary.OPS if op.module}
