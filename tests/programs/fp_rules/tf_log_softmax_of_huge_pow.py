# target: tf-xla
# optimization: math_grad.Pow
# origin: test
# parent: -
# description: log_softmax of (x^4 + 1) ** (x^2): on the 'halves' draw the logits reach 1e75
# Found as an unpatched-failing cluster of the fault benchmark (tf-cumsum-grad-drops-exclusive): a
# float64 program, so the referee is eager bit for bit, and XLA differs beyond 10x tolerance;
# rounding noise on the referee moves it by rmse ~1e75.
import numpy as np
import tensorflow as tf


def fn(x0):
    v0 = tf.square(x0)
    return tf.nn.log_softmax(tf.pow(v0 * v0 + 1.0, v0))


def make_inputs():
    rng = np.random.default_rng(37)
    x0 = rng.uniform(0.0, 2.0, (3, 6)).astype(np.float64)
    return (x0,)
