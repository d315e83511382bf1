# target: tf-xla
# optimization: math_grad.Sum
# origin: fault-witness
# parent: -
# description: two reductions of same-shaped square matrices in one function, one over axis 0 and one over axis 1
import numpy as np
import tensorflow as tf


def fn(x, y):
    cols = tf.reduce_sum(x * y, axis=0)
    rows = tf.reduce_sum(tf.sin(x), axis=1)
    return cols * 0.5 + rows


def make_inputs():
    rng = np.random.default_rng(7)
    return (rng.standard_normal((4, 4)).astype(np.float32), rng.standard_normal((4, 4)).astype(np.float32))
