"""Dtypes and casts: the dtype names generators write, and the methods named for a dtype.

Dtypes are named as ``torch.<name>`` spells them, without the module.  The cast methods go one
way (:data:`CAST_METHOD_DTYPE`, reading ``x.half()``) and the other (:data:`DTYPE_CAST_METHOD`,
writing a cast to float16 as ``.half()``).
"""

from __future__ import annotations

from fuzzfox.generation.ops.torch.op import CAST, TorchOp

# The float dtypes a program is retyped among, in the order generators draw from.
FLOAT_DTYPES = ("float32", "float16", "bfloat16", "float64")
# torch's other names of the float dtypes -> the name used here.
DTYPE_ALIASES = {"float": "float32", "half": "float16", "double": "float64", **{d: d for d in FLOAT_DTYPES}}
INT_DTYPES = frozenset({"int64", "int32", "int16", "int8", "uint8", "long", "int", "bool"})

OPS: tuple[TorchOp, ...] = (
    TorchOp("float", CAST, "m", result_dtype="float32"),
    TorchOp("half", CAST, "m", result_dtype="float16"),
    TorchOp("double", CAST, "m", result_dtype="float64"),
    TorchOp("bfloat16", CAST, "m", result_dtype="bfloat16"),
)
# ``x.half()`` -> "float16", and "float16" -> "half".
CAST_METHOD_DTYPE: dict[str, str] = {op.name: op.result_dtype for op in OPS if op.result_dtype}
DTYPE_CAST_METHOD: dict[str, str] = {dtype: method for method, dtype in CAST_METHOD_DTYPE.items()}
