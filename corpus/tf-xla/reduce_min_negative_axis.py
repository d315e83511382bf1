# target: tf-xla
# optimization: math_grad.Min
# origin: seed
# parent: -
# description: tf.reduce_min over a negative axis, then an exp: Min's gradient shares Max's code (_MinOrMaxGrad)
import numpy as np
import tensorflow as tf


def fn(x):
    return tf.exp(tf.reduce_min(x, axis=-1) * 0.5)


def make_inputs():
    rng = np.random.default_rng(18)
    return (rng.standard_normal((6, 7)).astype(np.float32),)
