# target: tf-xla
# optimization: linalg_grad.Einsum
# origin: seed
# parent: -
# description: tf.einsum with a repeated batch index and a contraction: Einsum's gradient builds the reverse einsum equations
import numpy as np
import tensorflow as tf


def fn(x, y):
    return tf.einsum("bij,bjk->bik", x, y) * tf.einsum("bij->bi", x)[:, :, None]


def make_inputs():
    rng = np.random.default_rng(41)
    return (rng.standard_normal((2, 3, 4)).astype(np.float64), rng.standard_normal((2, 4, 2)).astype(np.float64))
