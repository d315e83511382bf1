"""Documented preconditions of ops' gradients, for ``grad_contract`` (``oracles.gradcheck``).

Some ops define their gradient for inputs of a documented kind only, and the program is free to
break that: TF's ``softmax_cross_entropy_with_logits`` says each row of ``labels`` "must be a
valid probability distribution", and its gradient ``softmax(logits) - labels`` is the derivative
of the loss only where a row sums to 1 (``labels=logits`` of a mutant is off by
``(sum - 1) * softmax``); ``cholesky`` and ``self_adjoint_eig`` read one triangle and return the
symmetrized gradient of a symmetric input, while central differences of a program whose matrix is
not symmetric see only the triangle read.  Autodiff then disagrees with the numeric derivative by
the framework's definition, not by a wrong rule.  Each framework names its ops in its own table
(``oracles.singular.OperandRule``); the predicates mark the offending rows or elements.
"""

from __future__ import annotations

import numpy as np

# A row sum or a transposed element may differ from the contract by this many units of rounding
# of the operand's dtype, times the elements summed, before it counts as broken.
ROUNDING_UNITS = 64


def _rounding(array: np.ndarray) -> float:
    dtype = array.dtype if np.issubdtype(array.dtype, np.floating) else np.dtype(np.float64)
    return ROUNDING_UNITS * float(np.finfo(dtype).eps)


def rows_not_distributions(labels: np.ndarray) -> np.ndarray:
    """Per row (last axis): whether it sums to something other than 1 (a scalar or empty row is
    no row to judge)."""
    if labels.ndim == 0 or labels.shape[-1] == 0:
        return np.zeros((), dtype=bool)
    sums = np.sum(labels.astype(np.float64), axis=-1)
    return np.abs(sums - 1.0) > _rounding(labels) * labels.shape[-1]


def not_symmetric(matrices: np.ndarray) -> np.ndarray:
    """Per element of a batch of square matrices: whether it differs from its transpose by more
    than rounding of the matrix's largest element (non-square or rank < 2: nothing to judge)."""
    if matrices.ndim < 2 or matrices.shape[-1] != matrices.shape[-2] or matrices.size == 0:
        return np.zeros((), dtype=bool)
    wide = matrices.astype(np.float64)
    scale = np.max(np.abs(wide), axis=(-2, -1), keepdims=True)
    return np.abs(wide - np.swapaxes(wide, -1, -2)) > _rounding(matrices) * scale
