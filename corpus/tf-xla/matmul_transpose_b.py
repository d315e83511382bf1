# target: tf-xla
# optimization: math_grad.MatMul
# origin: seed
# parent: -
# description: tf.matmul with transpose_b=True: MatMul's gradient must swap and transpose operands
import numpy as np
import tensorflow as tf


def fn(x, y):
    return tf.matmul(x, y, transpose_b=True) + 1.0


def make_inputs():
    rng = np.random.default_rng(37)
    return (rng.standard_normal((4, 8)).astype(np.float32), rng.standard_normal((3, 8)).astype(np.float32))
