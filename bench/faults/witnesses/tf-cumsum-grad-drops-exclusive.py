# target: tf-xla
# optimization: math_grad.Cumsum
# origin: fault-witness
# parent: -
# description: exclusive cumulative sums (forward and reversed) along the last axis, weighted by a second input
import numpy as np
import tensorflow as tf


def fn(x, w):
    a = tf.math.cumsum(x, axis=1, exclusive=True)
    b = tf.math.cumsum(x * w, axis=1, exclusive=True, reverse=True)
    return tf.sin(a) + b * w


def make_inputs():
    rng = np.random.default_rng(3)
    return (rng.standard_normal((3, 5)).astype(np.float32), rng.uniform(0.5, 1.5, (3, 5)).astype(np.float32))
