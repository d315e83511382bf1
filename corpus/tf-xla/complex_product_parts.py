# target: tf-xla
# optimization: math_grad.Complex
# origin: seed
# parent: -
# description: z * conj(z) * z built from real inputs, returned as real and imaginary parts: Complex, Conj, Mul, Real and Imag gradients (conjugate conventions)
import numpy as np
import tensorflow as tf


def fn(x, y):
    z = tf.complex(x, y)
    w = z * tf.math.conj(z) * z + z
    return tf.math.real(w), tf.math.imag(w)


def make_inputs():
    rng = np.random.default_rng(28)
    return (rng.standard_normal((3, 5)).astype(np.float32), rng.standard_normal((3, 5)).astype(np.float32))
