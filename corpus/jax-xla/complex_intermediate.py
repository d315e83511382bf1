# target: jax-xla
# optimization: lax.complex.transpose
# origin: seed
# description: real inputs build a complex number, go through exp and a product, and come back as real parts
import jax.numpy as jnp
import numpy as np
from jax import lax


def fn(x, y):
    z = lax.complex(x, y)
    w = jnp.exp(z * 0.5) * jnp.conj(z)
    return jnp.real(w) + jnp.imag(w) * jnp.abs(z)


def make_inputs():
    return (np.random.randn(8).astype(np.float32) + 1.0, np.random.randn(8).astype(np.float32))
