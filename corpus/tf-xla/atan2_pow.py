# target: tf-xla
# optimization: math_grad.Atan2
# origin: seed
# parent: -
# description: tf.math.atan2 and tf.pow with a positive base: Atan2's gradient y / (x^2 + y^2) and Pow's log(x) term
import numpy as np
import tensorflow as tf


def fn(y, x):
    return tf.math.atan2(y, x) + tf.pow(tf.abs(x) + 0.5, y)


def make_inputs():
    rng = np.random.default_rng(43)
    return (rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal((3, 4)).astype(np.float32))
