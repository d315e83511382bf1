# target: tf-xla
# optimization: custom_gradient
# origin: test
# description: a custom sine gradient with a stray 0 * (x / x): reverse NaN at 0, a wrong rule
# At x == 0 sin and its neighbourhood are finite and forward mode (the transpose, blind to the
# constant term) is right: a one-sided NaN there is still a bug.
import numpy as np
import tensorflow as tf


@tf.custom_gradient
def sine(x):
    def grad(upstream):
        return upstream * tf.cos(x) + 0.0 * (x / x)

    return tf.sin(x), grad


def fn(x):
    return sine(x) * 2.0


def make_inputs():
    return (np.array([0.5, 0.0, -0.3, 1.2], np.float32),)
