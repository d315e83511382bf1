# target: jax-xla
# optimization: lax.dot_general.transpose
# origin: seed
# description: a dense layer (matmul, bias, tanh): dot_general's transpose gives weight and input grads
import jax.numpy as jnp
import numpy as np


def fn(x, w, b):
    return jnp.tanh(x @ w + b)


def make_inputs():
    return (
        np.random.randn(4, 6).astype(np.float32),
        (np.random.randn(6, 3) * 0.4).astype(np.float32),
        np.random.randn(3).astype(np.float32),
    )
