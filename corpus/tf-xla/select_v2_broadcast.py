# target: tf-xla
# optimization: math_grad.SelectV2
# origin: seed
# parent: -
# description: tf.where with a (3, 1) condition and (3, 4) / (1, 4) branches: SelectV2's gradient must reduce the broadcast branch back to (1, 4)
import numpy as np
import tensorflow as tf


def fn(c, x, y):
    return tf.where(c > 0.0, x * 2.0, tf.exp(y))


def make_inputs():
    rng = np.random.default_rng(13)
    return (
        rng.standard_normal((3, 1)).astype(np.float32),
        rng.standard_normal((3, 4)).astype(np.float32),
        rng.standard_normal((1, 4)).astype(np.float32),
    )
