# target: tf-xla
# optimization: nn_grad.Conv2D
# origin: seed
# parent: -
# description: tf.nn.conv2d with VALID padding and unequal strides (1, 2), then a shifted relu: gradients to input and filter through a strided window
import numpy as np
import tensorflow as tf


def fn(x, w):
    return tf.nn.relu(tf.nn.conv2d(x, w, strides=[1, 1, 2, 1], padding="VALID") + 0.1)


def make_inputs():
    rng = np.random.default_rng(40)
    return (rng.standard_normal((2, 6, 7, 1)).astype(np.float32), rng.standard_normal((2, 3, 1, 3)).astype(np.float32))
