# target: tf-xla
# optimization: math_grad.Minimum
# origin: seed
# parent: -
# description: tf.clip_by_value with broadcast tensor bounds: Minimum/Maximum gradients flow to x and to the (1, 4) bounds, summed over the broadcast axis
import numpy as np
import tensorflow as tf


def fn(x, low, high):
    return tf.clip_by_value(x, low, high + 1.5)


def make_inputs():
    rng = np.random.default_rng(15)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    low = (rng.standard_normal((1, 4)) * 0.3 - 0.4).astype(np.float32)
    high = (rng.standard_normal((1, 4)) * 0.3 - 0.4).astype(np.float32)
    return (x, low, high)
