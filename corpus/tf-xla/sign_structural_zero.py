# target: tf-xla
# optimization: math_grad.Sign
# origin: seed
# parent: -
# description: tf.sign has a zero gradient TF may report as None (a structural zero): sign(x) * x**2 differentiates to 2|x| through Mul only
import numpy as np
import tensorflow as tf


def fn(x, y):
    return tf.sign(x) * tf.square(x) + tf.sign(y) * y


def make_inputs():
    rng = np.random.default_rng(12)
    return (rng.standard_normal((5, 3)).astype(np.float32), rng.standard_normal((5, 3)).astype(np.float32))
