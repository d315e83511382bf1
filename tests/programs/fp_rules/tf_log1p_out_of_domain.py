# target: tf-xla
# optimization: math_grad.Log1p
# origin: test
# description: log1p at -2 is NaN, so is L(x): a one-sided NaN gradient there is no bug
# Reverse mode says 1/(1+x) = -1 at x = -2, forward mode (TF transposes the gradient function)
# NaN; the function is undefined at the point (grad_nonfinite_loss).
import numpy as np
import tensorflow as tf


def fn(x):
    return tf.math.log1p(x) * 2.0


def make_inputs():
    return (np.array([0.5, -2.0, -0.3, 1.2], np.float32),)
