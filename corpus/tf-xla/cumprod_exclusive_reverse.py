# target: tf-xla
# optimization: math_grad.Cumprod
# origin: seed
# parent: -
# description: tf.math.cumprod with exclusive=True, reverse=True along axis 0, then a sum
import numpy as np
import tensorflow as tf


def fn(x):
    return tf.reduce_sum(tf.math.cumprod(x, axis=0, exclusive=True, reverse=True), axis=1)


def make_inputs():
    rng = np.random.default_rng(26)
    return (rng.uniform(0.6, 1.4, (5, 3)).astype(np.float32),)
