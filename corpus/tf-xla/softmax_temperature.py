# target: tf-xla
# optimization: nn_grad.Softmax
# origin: seed
# parent: -
# description: tf.nn.softmax with a temperature along the last axis, weighted: Softmax's gradient (grad - sum(grad * y)) * y
import numpy as np
import tensorflow as tf


def fn(x, y):
    return tf.nn.softmax(x * 3.0, axis=-1) * y


def make_inputs():
    rng = np.random.default_rng(34)
    return (rng.standard_normal((3, 2, 5)).astype(np.float32), rng.standard_normal((3, 2, 5)).astype(np.float32))
