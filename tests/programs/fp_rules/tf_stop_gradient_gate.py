# target: tf-xla
# optimization: array_grad.StopGradient
# origin: test
# description: a straight-through product: the stop_gradient factor is held in the numbers too
# Autodiff holds tf.stop_gradient(exp(x)) constant, a central difference that moved it would
# disagree; reduce_logsumexp's own stop_gradient (a value-neutral shift) stays live.
import numpy as np
import tensorflow as tf


def fn(x):
    return tf.tanh(x) * tf.stop_gradient(tf.exp(x)) + tf.math.reduce_logsumexp(x)


def make_inputs():
    rng = np.random.default_rng(0)
    return (rng.standard_normal((3, 4)).astype(np.float32),)
