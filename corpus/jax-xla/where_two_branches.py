# target: jax-xla
# optimization: lax.select_n.jvp
# origin: seed
# description: jnp.where picks between two differentiable branches; the other branch must get zero gradient
import jax.numpy as jnp
import numpy as np


def fn(x, y):
    return jnp.where(x > 0.0, x**2 * y, jnp.exp(x) - y)


def make_inputs():
    sign = np.random.choice([-1.0, 1.0], size=(4, 6))
    x = (sign * np.random.uniform(0.2, 1.5, size=(4, 6))).astype(np.float32)
    return (x, np.random.randn(4, 6).astype(np.float32))
