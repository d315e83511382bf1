# target: jax-xla
# optimization: lax.custom_linear_solve.transpose
# origin: seed
# description: a linear solve with a well-conditioned matrix (custom_linear_solve with its own transpose)
import jax.numpy as jnp
import numpy as np


def fn(a, b):
    return jnp.linalg.solve(a, b)


def make_inputs():
    a = np.random.randn(4, 4) * 0.3 + np.eye(4) * 3.0
    return (a.astype(np.float32), np.random.randn(4, 2).astype(np.float32))
