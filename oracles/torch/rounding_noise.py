"""Rounding noise for torch: every float64 aten op that rounds has its result perturbed by a
random relative error of at most the unit roundoff (the model of :mod:`oracles.rounding`).

Ops that are exact in any precision (data movement, views, selection, comparisons, max/min,
sign flips, copies) are left unperturbed; so are in-place ops (their result is their input).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

EXACT_OPS = frozenset(
    {
        "_to_copy", "abs", "alias", "amax", "amin", "cat", "ceil", "clamp", "clamp_max", "clamp_min",
        "clone", "constant_pad_nd", "copy", "detach", "empty_like", "expand", "fill", "flip", "floor",
        "full_like", "gather", "index", "index_put", "index_select", "lift_fresh", "masked_fill",
        "max", "max_pool2d_with_indices", "maximum", "min", "minimum", "neg", "new_empty",
        "new_full", "new_ones", "new_zeros", "ones_like", "relu", "repeat", "roll", "round",
        "scatter", "select", "sign", "slice", "sort", "stack", "threshold_backward", "topk",
        "trunc", "where", "zeros_like",
    }
)  # fmt: skip


@contextlib.contextmanager
def rounding_noise(unit: float, seed: int) -> Iterator[None]:
    """Every float64 op result computed inside is multiplied by ``1 + unit * r``, ``r`` uniform
    in [-1, 1] (drawn from ``seed``, not from torch's global generator)."""
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode
    from torch.utils._pytree import tree_map

    generator = torch.Generator().manual_seed(seed)

    def rounds(func: Any) -> bool:
        schema = func._schema
        if schema.is_mutable or any(r.alias_info is not None for r in schema.returns):
            return False
        return func.overloadpacket.__name__.rstrip("_") not in EXACT_OPS

    class Noise(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
            result = func(*args, **(kwargs or {}))
            if not rounds(func):
                return result

            def perturb(value: Any) -> Any:
                if isinstance(value, torch.Tensor) and value.dtype == torch.float64 and value.numel():
                    noise = torch.rand(value.shape, generator=generator, dtype=torch.float64)
                    return value * (1.0 + unit * (2.0 * noise - 1.0))
                return value

            return tree_map(perturb, result)

    with Noise():
        yield
