"""The softmax family: normalizing along one dim.

``torch.softmax(x, dim)`` and ``x.softmax(dim)`` require the dim; ``F.softmax(x)`` guesses one
(with a warning), and ``softmin`` is only spelled ``F.softmin``.
"""

from __future__ import annotations

from fuzzfox.generation.ops.torch.op import SOFTMAX, TorchOp

OPS: tuple[TorchOp, ...] = (
    TorchOp("softmax", SOFTMAX, "tfm", positional=("dim",), keywords=frozenset({"dim", "dtype"})),
    TorchOp("log_softmax", SOFTMAX, "tfm", positional=("dim",), keywords=frozenset({"dim", "dtype"})),
    TorchOp("softmin", SOFTMAX, "f", positional=("dim",), keywords=frozenset({"dim", "dtype"})),
)
