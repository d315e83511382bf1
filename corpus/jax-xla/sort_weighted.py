# target: jax-xla
# optimization: lax.sort.jvp
# origin: seed
# description: sort along the last axis, then a position-dependent weight: the gradient is a permutation
import jax.numpy as jnp
import numpy as np


def fn(x):
    ordered = jnp.sort(x, axis=-1)
    return ordered * jnp.arange(1, 7, dtype=jnp.float32)


def make_inputs():
    return (np.stack([np.random.permutation(6) * 0.3 + 0.1 * i for i in range(3)]).astype(np.float32),)
