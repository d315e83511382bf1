# target: jax-xla
# optimization: lax.sort.jvp
# origin: fault-witness
# parent: -
# description: sort along axis 0 of a matrix (not the last axis): the JVP must gather tangents with the permutation of that axis
import jax.numpy as jnp
import numpy as np


def fn(x, y):
    return jnp.sort(x * y, axis=0) + 0.5 * jnp.sort(x, axis=-1)


def make_inputs():
    x = np.random.uniform(-2.0, 2.0, size=(5, 4)).astype(np.float32)
    y = np.random.uniform(0.5, 1.5, size=(4,)).astype(np.float32)
    return (x, y)
