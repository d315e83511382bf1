# target: tf-xla
# optimization: explore
# origin: test
# parent: -
# description: floormod of a large lgamma by the input: the dividend's rounding is as large as the divisor
# Found as an unpatched-failing cluster of the fault benchmark (tf-cumsum-grad-drops-exclusive): on
# the 'constants' and 'large' input draws XLA's float32 result is further from the float64 referee
# than eager's, but rounding noise on the referee moves it as far: no digit survives rounding.
import numpy as np
import tensorflow as tf


def fn(x0):
    v0 = x0
    return tf.math.floormod(tf.math.lgamma(v0 * v0), v0)


def make_inputs():
    rng = np.random.default_rng(1)
    x0 = rng.standard_normal((2,)).astype(np.float32)
    return (x0,)
