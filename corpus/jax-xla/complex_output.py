# target: jax-xla
# optimization: lax.mul.jvp
# origin: seed
# description: a complex64 output (exp of an imaginary angle times a complex scale); both parts count
import jax.numpy as jnp
import numpy as np


def fn(theta, scale):
    return jnp.exp(1j * theta) * (scale + 2j)


def make_inputs():
    return (
        np.random.uniform(-3.0, 3.0, size=(2, 5)).astype(np.float32),
        np.random.randn(5).astype(np.float32),
    )
