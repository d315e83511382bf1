# target: tf-xla
# optimization: array_grad.GatherV2
# origin: seed
# parent: -
# description: indices computed from the input (argmax, cast to int32) select rows of another input: GatherV2's gradient is an IndexedSlices scatter
import numpy as np
import tensorflow as tf


def fn(x, y):
    index = tf.cast(tf.argmax(x, axis=1), tf.int32)
    return tf.gather(y, index) * tf.reduce_sum(x, axis=1, keepdims=True)


def make_inputs():
    rng = np.random.default_rng(32)
    return (rng.standard_normal((5, 4)).astype(np.float32), rng.standard_normal((4, 3)).astype(np.float32))
