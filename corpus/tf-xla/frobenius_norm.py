# target: tf-xla
# optimization: math_grad.Sqrt
# origin: seed
# parent: -
# description: tf.norm of a whole matrix (euclidean): sqrt of a sum of squares, Sqrt's gradient 0.5 * grad / y
import numpy as np
import tensorflow as tf


def fn(x, y):
    return tf.norm(x - y) * tf.norm(x, axis=[-2, -1])


def make_inputs():
    rng = np.random.default_rng(21)
    return (rng.standard_normal((3, 4)).astype(np.float64), rng.standard_normal((3, 4)).astype(np.float64))
