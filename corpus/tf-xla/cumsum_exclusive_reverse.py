# target: tf-xla
# optimization: math_grad.Cumsum
# origin: seed
# parent: -
# description: tf.math.cumsum with exclusive=True and reverse=True on axis 1: its gradient is a cumsum with the opposite direction
import numpy as np
import tensorflow as tf


def fn(x):
    return tf.math.cumsum(x, axis=1, exclusive=True, reverse=True) * tf.math.cumsum(x, axis=0)


def make_inputs():
    rng = np.random.default_rng(24)
    return (rng.standard_normal((4, 6)).astype(np.float32),)
