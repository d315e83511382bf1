"""Shape and layout ops, whose arguments after the tensor are sizes, dims or indices.

Arithmetic inside those arguments is size arithmetic, not tensor math (mutation leaves it alone).
``sizes`` says how the method spelling takes a full shape: ``x.view(2, 3)`` / ``x.view((2, 3))``
(:data:`~fuzzfox.generation.ops.torch.op.SIZE_ARGUMENTS`), ``x.new_full((2, 3), v)``.  Also here:
the keywords whose values are dims or sizes, and the Tensor methods that return metadata rather
than a tensor.
"""

from __future__ import annotations

from fuzzfox.generation.ops.torch.op import SHAPE, SIZE_ARGUMENTS, SIZE_FIRST, TorchOp

# Spelled torch.name(x, ...) and x.name(...), taking dims, counts or indices.
DIM_TAKING = (
    "permute", "transpose", "split", "chunk", "unflatten", "narrow", "flatten", "squeeze", "unsqueeze",
    "select", "roll", "flip", "movedim", "tile",
)  # fmt: skip

OPS: tuple[TorchOp, ...] = (
    TorchOp("view", SHAPE, "m", sizes=SIZE_ARGUMENTS),
    TorchOp("reshape", SHAPE, "tm", sizes=SIZE_ARGUMENTS),
    TorchOp("expand", SHAPE, "m", sizes=SIZE_ARGUMENTS),
    TorchOp("new_zeros", SHAPE, "m", sizes=SIZE_ARGUMENTS),
    TorchOp("new_ones", SHAPE, "m", sizes=SIZE_ARGUMENTS),
    TorchOp("new_empty", SHAPE, "m", sizes=SIZE_ARGUMENTS),
    TorchOp("new_full", SHAPE, "m", sizes=SIZE_FIRST),
    TorchOp("repeat", SHAPE, "m"),
    *(TorchOp(name, SHAPE, "tm") for name in DIM_TAKING),
)
DIM_KEYWORDS = frozenset(
    {"dim", "dims", "axis", "size", "start_dim", "end_dim", "dim0", "dim1", "shape", "p"}
)
METADATA_METHODS = frozenset(
    {"size", "dim", "numel", "item", "stride", "tolist", "nelement", "is_contiguous"}
)
