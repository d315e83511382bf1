# target: jax-xla
# optimization: lax.integer_pow.jvp
# origin: fault-witness
# parent: -
# description: integer powers with positive and negative exponents of inputs kept away from zero
import jax.numpy as jnp
import numpy as np


def fn(x, y):
    return x**3 * 0.1 + jnp.power(y, -2) - 0.5 * (x + y) ** -1


def make_inputs():
    x = np.random.uniform(0.8, 2.0, size=(3, 4)).astype(np.float32)
    y = np.random.uniform(1.0, 2.0, size=(4,)).astype(np.float32)
    return (x, y)
