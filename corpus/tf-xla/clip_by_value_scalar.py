# target: tf-xla
# optimization: math_grad.Maximum
# origin: seed
# parent: -
# description: tf.clip_by_value with scalar bounds lowers to Minimum then Maximum: the gradient passes only where x is inside [-0.5, 0.7]
import numpy as np
import tensorflow as tf


def fn(x, y):
    return tf.clip_by_value(x, -0.5, 0.7) * y


def make_inputs():
    rng = np.random.default_rng(14)
    return (rng.standard_normal((6, 5)).astype(np.float32), rng.standard_normal((6, 5)).astype(np.float32))
