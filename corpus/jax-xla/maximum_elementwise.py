# target: jax-xla
# optimization: lax.max.jvp
# origin: seed
# description: elementwise maximum and minimum of two inputs that never tie
import jax.numpy as jnp
import numpy as np


def fn(x, y):
    return jnp.maximum(x, y) * 3.0 - jnp.minimum(x, y**2)


def make_inputs():
    x = np.random.randn(3, 7).astype(np.float32)
    gap = np.random.choice([-1.0, 1.0], size=(3, 7)) * np.random.uniform(0.2, 1.0, size=(3, 7))
    y = (x + gap).astype(np.float32)
    return (x, y)
