"""Constructors: a new tensor from sizes (``torch.randn(2, 3)``, ``torch.full((2, 3), 1.0)``).

``sizes`` says where its sizes are (mutation resizes them), ``result_dtype`` what it makes when
not given ``dtype=``: ``full`` makes float32 from a float fill value (an int one makes int64,
which readers check for themselves).
"""

from __future__ import annotations

from fuzzfox.generation.ops.torch.op import CONSTRUCTOR, SIZE_ARGUMENTS, SIZE_FIRST, SIZE_TUPLE, TorchOp


def _constructor(name: str, sizes: str, result_dtype: str = "float32") -> TorchOp:
    return TorchOp(
        name, CONSTRUCTOR, "t", arity=0, keywords=frozenset({"dtype", "size"}), sizes=sizes,
        result_dtype=result_dtype,
    )  # fmt: skip


OPS: tuple[TorchOp, ...] = (
    *(_constructor(name, SIZE_ARGUMENTS) for name in ("randn", "rand", "ones", "zeros", "empty")),
    _constructor("full", SIZE_FIRST),
    _constructor("randint", SIZE_TUPLE, "int64"),
    _constructor("randperm", SIZE_FIRST, "int64"),
)
