# target: jax-xla
# optimization: lax.cumsum.transpose
# origin: seed
# description: cumulative sums along two axes, one reversed (a linear op whose transpose is a reverse cumsum)
import jax.numpy as jnp
import numpy as np
from jax import lax


def fn(x):
    return jnp.cumsum(x, axis=0) * jnp.sin(lax.cumsum(x, axis=1, reverse=True))


def make_inputs():
    return (np.random.randn(5, 4).astype(np.float32),)
