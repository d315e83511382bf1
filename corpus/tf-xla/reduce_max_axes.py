# target: tf-xla
# optimization: math_grad.Max
# origin: seed
# parent: -
# description: tf.reduce_max over one axis and over two axes with keepdims: Max's gradient routes to the argmax (indicator / count of ties)
import numpy as np
import tensorflow as tf


def fn(x):
    return tf.reduce_max(x, axis=1), tf.reduce_max(x, axis=[0, 2], keepdims=True) * x


def make_inputs():
    rng = np.random.default_rng(17)
    return (rng.standard_normal((3, 4, 5)).astype(np.float32),)
