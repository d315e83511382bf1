# target: tf-xla
# optimization: nn_grad.Conv2D
# origin: seed
# parent: -
# description: tf.nn.conv2d NHWC, SAME padding, stride 2 on an odd size: gradients to input (Conv2DBackpropInput) and filter
import numpy as np
import tensorflow as tf


def fn(x, w):
    return tf.nn.conv2d(x, w, strides=2, padding="SAME")


def make_inputs():
    rng = np.random.default_rng(39)
    return (rng.standard_normal((1, 7, 7, 2)).astype(np.float32), rng.standard_normal((3, 3, 2, 4)).astype(np.float32))
