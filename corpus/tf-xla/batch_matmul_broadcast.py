# target: tf-xla
# optimization: math_grad.BatchMatMulV2
# origin: seed
# parent: -
# description: tf.matmul of (2, 1, 3, 4) with (3, 4, 5): batch broadcasting, so BatchMatMulV2's gradient reduces over the broadcast batch dims
import numpy as np
import tensorflow as tf


def fn(x, y):
    return tf.matmul(x, y)


def make_inputs():
    rng = np.random.default_rng(38)
    return (rng.standard_normal((2, 1, 3, 4)).astype(np.float32), rng.standard_normal((3, 4, 5)).astype(np.float32))
