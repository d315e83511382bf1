# target: tf-xla
# optimization: math_grad.Angle
# origin: seed
# parent: -
# description: tf.math.angle of a complex built from real inputs (away from the negative real axis, where angle jumps)
import numpy as np
import tensorflow as tf


def fn(x, y):
    return tf.math.angle(tf.complex(x + 3.0, y))


def make_inputs():
    rng = np.random.default_rng(29)
    return (rng.standard_normal((6,)).astype(np.float32), rng.standard_normal((6,)).astype(np.float32))
