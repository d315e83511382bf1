"""Binary pointwise ops: two tensors (or a tensor and a number), broadcasting.

The order is the order generators draw from; the ones Python writes with an operator
(``a + b``) are :data:`ARITHMETIC`, in the same order.
"""

from __future__ import annotations

import ast

from fuzzfox.generation.ops.torch.op import BINARY, TorchOp


def _binary(name: str, operator: type[ast.operator] | None = None, symbol: str = "") -> TorchOp:
    return TorchOp(name, BINARY, "tm", arity=2, operator=operator, symbol=symbol)


OPS: tuple[TorchOp, ...] = (
    _binary("add", ast.Add, "+"),
    _binary("sub", ast.Sub, "-"),
    _binary("mul", ast.Mult, "*"),
    _binary("div", ast.Div, "/"),
    _binary("maximum"),
    _binary("minimum"),
)
ARITHMETIC: tuple[TorchOp, ...] = tuple(op for op in OPS if op.operator is not None)
# An operator's node type -> the op (``ast.Add`` -> add), and back by name.
BY_OPERATOR: dict[type[ast.operator], TorchOp] = {op.operator: op for op in ARITHMETIC if op.operator}
