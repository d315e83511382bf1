"""Reductions over dims: ``torch.sum(x, dim, keepdim)``, ``x.amax(dim=...)``...

The order is the order mutation swaps among (synthesis draws from its own subset, in its own
order).  ``positional`` matters where a generator reads arguments by position: ``var`` and
``std`` take ``unbiased`` second, not ``keepdim``.  Only some accept ``dtype=``.
"""

from __future__ import annotations

from fuzzfox.generation.ops.torch.op import REDUCTION, TorchOp

KEEPDIM = ("dim", "keepdim")


def _reduction(
    name: str,
    positional: tuple[str, ...] = KEEPDIM,
    dtype: bool = False,
    reduces_all: bool = True,
    several_dims: bool = True,
) -> TorchOp:
    keywords = frozenset({*positional, *(("dtype",) if dtype else ())})
    return TorchOp(
        name,
        REDUCTION,
        "tm",
        positional=positional,
        keywords=keywords,
        reduces_all=reduces_all,
        several_dims=several_dims,
    )


OPS: tuple[TorchOp, ...] = (
    _reduction("sum", dtype=True),
    _reduction("mean", dtype=True),
    _reduction("amax"),
    _reduction("amin"),
    _reduction("prod", dtype=True, several_dims=False),  # one dim or all of them
    _reduction("nansum", dtype=True),
    _reduction("logsumexp", reduces_all=False),  # dim is required
    _reduction("var", ("dim", "unbiased", "keepdim")),
    _reduction("std", ("dim", "unbiased", "keepdim")),
)
