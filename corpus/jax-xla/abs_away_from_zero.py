# target: jax-xla
# optimization: lax.abs.jvp
# origin: seed
# description: abs of a product, inputs kept away from zero where abs has a kink
import jax.numpy as jnp
import numpy as np


def fn(x, y):
    return jnp.abs(x * y) + jnp.abs(x - 3.0) * 0.5


def make_inputs():
    sign = np.random.choice([-1.0, 1.0], size=(3, 5))
    x = (sign * np.random.uniform(0.3, 2.0, size=(3, 5))).astype(np.float32)
    y = np.random.uniform(0.5, 1.5, size=(5,)).astype(np.float32)
    return (x, y)
