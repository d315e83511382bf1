# target: jax-xla
# optimization: lax.select_n.transpose
# origin: seed
# description: lax.select_n with a uint32 predicate (JAX issue 10993: reverse mode once gave zero gradients)
import jax.numpy as jnp
import numpy as np
from jax import lax


def fn(x, y):
    which = (x > 0.0).astype(jnp.uint32)
    return lax.select_n(which, x * 2.0, jnp.sin(y))


def make_inputs():
    sign = np.random.choice([-1.0, 1.0], size=(6,))
    x = (sign * np.random.uniform(0.3, 1.0, size=(6,))).astype(np.float32)
    return (x, np.random.randn(6).astype(np.float32))
