# target: tf-xla
# optimization: math_grad.Exp
# origin: seed
# parent: -
# description: a complex output (exp of x + iy): the oracle weighs its real and imaginary parts separately
import numpy as np
import tensorflow as tf


def fn(x, y):
    return tf.exp(tf.complex(x * 0.5, y))


def make_inputs():
    rng = np.random.default_rng(30)
    return (rng.standard_normal((2, 6)).astype(np.float32), rng.standard_normal((2, 6)).astype(np.float32))
