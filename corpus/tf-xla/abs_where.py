# target: tf-xla
# optimization: math_grad.Abs
# origin: seed
# parent: -
# description: tf.abs under tf.where with a threshold away from zero: Abs's gradient is sign(x) * grad, routed through SelectV2's masked gradients
import numpy as np
import tensorflow as tf


def fn(x, y):
    return tf.where(x > 0.1, tf.abs(x) * y, -tf.abs(y) * 0.5)


def make_inputs():
    rng = np.random.default_rng(11)
    return (rng.standard_normal((4, 6)).astype(np.float32), rng.standard_normal((4, 6)).astype(np.float32))
