# target: jax-xla
# optimization: lax.div.transpose
# origin: seed
# description: standard deviation and variance over an axis (a normalization as in layer norm)
import jax.numpy as jnp
import numpy as np


def fn(x):
    centered = x - jnp.mean(x, axis=-1, keepdims=True)
    return centered / jnp.sqrt(jnp.var(x, axis=-1, keepdims=True) + 1e-3) + jnp.std(x, axis=0)


def make_inputs():
    return (np.random.randn(4, 6).astype(np.float32),)
