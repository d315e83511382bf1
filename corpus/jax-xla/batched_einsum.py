# target: jax-xla
# optimization: lax.dot_general.transpose
# origin: seed
# description: a batched contraction through einsum with a transposed operand
import jax.numpy as jnp
import numpy as np


def fn(a, b):
    return jnp.einsum("bij,bkj->bik", a, b) ** 2


def make_inputs():
    return (np.random.randn(2, 3, 4).astype(np.float32), np.random.randn(2, 5, 4).astype(np.float32))
