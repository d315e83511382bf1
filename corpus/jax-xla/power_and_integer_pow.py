# target: jax-xla
# optimization: lax.pow.jvp
# origin: seed
# description: x**3 (integer_pow) and a positive base to a float power (pow: base and exponent grads)
import jax.numpy as jnp
import numpy as np


def fn(x, e):
    return x**3 - jnp.power(jnp.abs(x) + 0.5, e)


def make_inputs():
    return (
        np.random.randn(5).astype(np.float32) + 2.0,
        np.random.uniform(0.5, 2.5, size=(5,)).astype(np.float32),
    )
