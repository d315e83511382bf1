# target: jax-xla
# optimization: lax.scan.linearize
# origin: seed
# description: a small tanh recurrence through lax.scan (reverse mode runs the scan backwards)
import jax.numpy as jnp
import numpy as np
from jax import lax


def fn(h0, xs, w):
    def step(h, x):
        h = jnp.tanh(h @ w + x)
        return h, h.sum()

    last, sums = lax.scan(step, h0, xs)
    return last, sums


def make_inputs():
    return (
        np.random.randn(3).astype(np.float32),
        np.random.randn(5, 3).astype(np.float32),
        (np.random.randn(3, 3) * 0.5).astype(np.float32),
    )
