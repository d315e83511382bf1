# target: jax-xla
# optimization: lax.gather.transpose
# origin: seed
# description: integer-array indexing with repeated indices (a gather, transposed to a scatter-add)
import jax.numpy as jnp
import numpy as np


def fn(x, index):
    picked = x[index] * 2.0
    return x.at[1].set(jnp.sum(picked, axis=0)) + picked[:1]


def make_inputs():
    return (np.random.randn(5, 3).astype(np.float32), np.array([0, 3, 3, 4], dtype=np.int32))
