# target: tf-xla
# optimization: nn_grad.LeakyRelu
# origin: fault-witness
# parent: -
# description: leaky_relu with a non-default slope (alpha 0.05) on inputs of both signs (mostly negative) kept away from the kink at zero
import numpy as np
import tensorflow as tf


def fn(x, w):
    return 3.0 * tf.nn.leaky_relu(x * w, alpha=0.05) + tf.nn.leaky_relu(x - 0.5 * w)


def make_inputs():
    rng = np.random.default_rng(5)
    sign = rng.choice([-1.0, 1.0], size=(4, 6), p=[0.7, 0.3])
    x = sign * rng.uniform(0.5, 2.0, size=(4, 6))
    w = rng.uniform(0.5, 0.9, size=(6,))
    return (x.astype(np.float32), w.astype(np.float32))
