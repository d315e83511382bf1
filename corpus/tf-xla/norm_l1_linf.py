# target: tf-xla
# optimization: math_grad.Abs
# origin: seed
# parent: -
# description: tf.norm with ord=1 and ord=inf along the last axis: sums and maxima of Abs
import numpy as np
import tensorflow as tf


def fn(x):
    return tf.norm(x, ord=1, axis=-1) + 2.0 * tf.norm(x, ord=np.inf, axis=-1)


def make_inputs():
    rng = np.random.default_rng(20)
    return (rng.standard_normal((4, 6)).astype(np.float32),)
