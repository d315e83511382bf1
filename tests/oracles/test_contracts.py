"""The predicates of ``oracles.contracts``: what breaks an op's documented contract, and what
rounding leaves within it."""

from __future__ import annotations

import numpy as np

from oracles.contracts import not_symmetric, rows_not_distributions


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_rows_of_a_softmax_are_distributions_and_raw_logits_are_not() -> None:
    rng = np.random.default_rng(0)
    for dtype in (np.float16, np.float32, np.float64):
        labels = softmax(rng.standard_normal((5, 7))).astype(dtype)
        assert not rows_not_distributions(labels).any(), dtype
    logits = rng.standard_normal((5, 7)).astype(np.float32)
    assert rows_not_distributions(logits).sum() == 5
    one_off = softmax(rng.standard_normal((3, 4)))
    one_off[1] *= 1.01  # one row sums to 1.01
    assert rows_not_distributions(one_off).tolist() == [False, True, False]
    assert not rows_not_distributions(np.zeros((2, 0))).any()  # no classes: nothing to judge


def test_a_gram_matrix_is_symmetric_within_rounding_and_a_triangle_is_not() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 4, 4)).astype(np.float32)
    gram = x @ np.swapaxes(x, -1, -2)
    assert not not_symmetric(gram).any()
    assert not_symmetric(np.tril(gram)).any()
    assert not_symmetric(x).sum() == 2 * 12  # every off-diagonal element of a random batch
    assert not not_symmetric(rng.standard_normal((3, 4))).any()  # not square: no contract to break
