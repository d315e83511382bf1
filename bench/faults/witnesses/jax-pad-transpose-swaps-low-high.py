# target: jax-xla
# optimization: lax.pad.transpose
# origin: fault-witness
# parent: -
# description: asymmetric zero padding (1 before, 3 after) then a position-dependent weighting, so the cotangent of every padded position differs
import jax.numpy as jnp
import numpy as np


def fn(x, w):
    p = jnp.pad(x, ((1, 3), (0, 2)))
    return jnp.tanh(p) * w


def make_inputs():
    x = np.random.standard_normal((3, 4)).astype(np.float32)
    w = np.random.uniform(-1.0, 1.0, size=(7, 6)).astype(np.float32)
    return (x, w)
