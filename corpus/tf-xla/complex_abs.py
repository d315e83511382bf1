# target: tf-xla
# optimization: math_grad.ComplexAbs
# origin: seed
# parent: -
# description: |x + iy| through tf.complex and tf.abs (ComplexAbs): gradient (x, y) / |z| back to the real inputs
import numpy as np
import tensorflow as tf


def fn(x, y):
    return tf.abs(tf.complex(x, y)) * 2.0


def make_inputs():
    rng = np.random.default_rng(27)
    return (rng.standard_normal((4, 4)).astype(np.float32), rng.standard_normal((4, 4)).astype(np.float32))
