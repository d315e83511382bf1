# target: tf-xla
# optimization: math_grad.Sqrt
# origin: test
# description: tf.math.reduce_std of what a where makes constant: forward NaN, reverse 0
# The class of four of the five reverse-finite, forward-NaN candidates of the tf MirrorPad fault
# campaign at 58ea253 (a reduce_std of a constant, cumulative_logsumexp's exclusive -inf fed on).
# The variance is exactly 0, so Sqrt's derivative is infinite there: forward mode carries the zero
# tangent into it (0 x inf = NaN), reverse mode's SelectV2 gradient drops the NaN (0), and L is
# flat in x. Not a wrong rule: grad_singular_intermediate.
import numpy as np
import tensorflow as tf


def fn(x):
    return tf.math.reduce_std(tf.where(x > 2.0, x, 0.0))


def make_inputs():
    rng = np.random.default_rng(0)
    return (rng.uniform(-1.0, 1.0, (3, 4)).astype(np.float32),)
