# target: jax-xla
# optimization: lax.reduce_prod.jvp
# origin: seed
# description: product over an axis (reduce_prod has its own JVP), entries away from zero
import jax.numpy as jnp
import numpy as np


def fn(x):
    return jnp.prod(x, axis=0) + jnp.prod(x[:, :2])


def make_inputs():
    sign = np.random.choice([-1.0, 1.0], size=(4, 3))
    return ((sign * np.random.uniform(0.5, 1.5, size=(4, 3))).astype(np.float32),)
