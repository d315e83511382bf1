# target: tf-xla
# optimization: nn_grad.TopKV2
# origin: seed
# parent: -
# description: tf.sort descending along the last axis is a TopKV2 of the full length: the gradient is scattered back by the sort indices
import numpy as np
import tensorflow as tf


def fn(x, w):
    return tf.sort(x, axis=-1, direction="DESCENDING") * w


def make_inputs():
    rng = np.random.default_rng(22)
    return (rng.standard_normal((3, 7)).astype(np.float32), rng.standard_normal((1, 7)).astype(np.float32))
