# target: tf-xla
# optimization: math_grad.Maximum
# origin: seed
# parent: -
# description: tf.maximum and tf.minimum of two tensors with broadcasting: each side gets the gradient where it wins
import numpy as np
import tensorflow as tf


def fn(x, y):
    return tf.maximum(x, y) * 2.0 - tf.minimum(x * 0.5, y)


def make_inputs():
    rng = np.random.default_rng(16)
    return (rng.standard_normal((4, 5)).astype(np.float32), rng.standard_normal((1, 5)).astype(np.float32))
