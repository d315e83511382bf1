# target: tf-xla
# optimization: array_grad.MirrorPad
# origin: fault-witness
# parent: -
# description: symmetric mirror padding (edges repeated) of a small matrix on both axes, then a position-dependent weighting, so every padded position counts differently
import numpy as np
import tensorflow as tf


def fn(x, w):
    p = tf.pad(x, [[2, 2], [1, 2]], mode="SYMMETRIC")
    return tf.sin(p) * w


def make_inputs():
    rng = np.random.default_rng(13)
    return (rng.standard_normal((3, 4)).astype(np.float32), rng.uniform(-1.5, 1.5, (7, 7)).astype(np.float32))
