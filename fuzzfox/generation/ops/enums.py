"""Text arguments that pick one of a fixed set of behaviours (an enum spelled as text), by keyword.

Mutation swaps such a value for another of its set: the non-default branch of a decomposition,
lowering or gradient rule (``reduction='sum'``, a pad mode, ``rounding_mode='floor'``) is one
that calls written with the defaults never take.  The sets are the values each framework's
documentation lists for the functions that take the keyword.  A keyword names several sets where
functions differ (``mode`` of ``F.pad`` and of ``F.interpolate``); the sets holding the current
value are the ones swapped within.  ``None`` stands for a keyword's documented ``None`` choice
(``rounding_mode=None``: true division).
"""

from __future__ import annotations

Enums = dict[str, tuple[tuple[str | None, ...], ...]]

TORCH: Enums = {
    "approximate": (("none", "tanh"),),  # gelu
    "reduction": (("mean", "sum", "none"),),  # the losses
    "rounding_mode": ((None, "trunc", "floor"),),  # div
    "mode": (
        ("constant", "reflect", "replicate", "circular"),  # F.pad
        ("nearest", "nearest-exact", "area", "linear"),  # F.interpolate, 3-d input
        ("nearest", "nearest-exact", "area", "bilinear", "bicubic"),  # 4-d input
        ("nearest", "nearest-exact", "area", "trilinear"),  # 5-d input
        ("bilinear", "nearest", "bicubic"),  # F.grid_sample
    ),
    "padding_mode": (("zeros", "reflect", "replicate", "circular"), ("zeros", "border", "reflection")),
    "padding": (("same", "valid"),),  # convolutions
    "reduce": (("sum", "prod", "mean", "amax", "amin"),),  # scatter_reduce, index_reduce
    "norm": (("backward", "ortho", "forward"),),  # torch.fft
    "side": (("left", "right"),),  # searchsorted
    "indexing": (("ij", "xy"),),  # meshgrid
    "interpolation": (("linear", "lower", "higher", "midpoint", "nearest"),),  # quantile
    "nonlinearity": (("tanh", "relu"),),  # nn.RNN
    "UPLO": (("L", "U"),),  # linalg.eigh
}

# jax (jnp, lax, jax.image) and tensorflow (tf, tf.image, tf.nn) spell some of the same choices
# in other cases (TF's pad modes are upper case, jnp.pad's lower case).
ARRAY: Enums = {
    "direction": (("ASCENDING", "DESCENDING"),),  # tf.sort, tf.argsort
    "padding": (("SAME", "VALID"),),  # convolutions and pooling
    "mode": (
        ("CONSTANT", "REFLECT", "SYMMETRIC"),  # tf.pad
        ("REFLECT", "SYMMETRIC"),  # tf.raw_ops.MirrorPad
        ("constant", "edge", "reflect", "symmetric", "wrap", "maximum", "minimum", "mean"),  # jnp.pad
        ("clip", "wrap", "fill"),  # jnp.take
    ),
    "method": (
        ("nearest", "linear", "cubic", "lanczos3", "lanczos5"),  # jax.image.resize
        ("bilinear", "nearest", "bicubic", "area", "lanczos3", "gaussian"),  # tf.image.resize
    ),
    "side": (("left", "right"),),  # jnp.searchsorted
    "norm": (("backward", "ortho", "forward"),),  # jnp.fft
    "UPLO": (("L", "U"),),  # jnp.linalg.eigh
}


def alternatives(table: Enums, keyword: str | None, value: str | None) -> list[str | None]:
    """The other values of every set of ``keyword`` in ``table`` that holds ``value``, in the
    table's order; for a positional argument (``keyword`` None) every keyword's sets are searched."""
    if keyword is not None:
        sets = table.get(keyword, ())
    else:
        sets = tuple(values for by_keyword in table.values() for values in by_keyword)
    others: list[str | None] = []
    for values in sets:
        if value in values:
            others.extend(other for other in values if other != value and other not in others)
    return others
