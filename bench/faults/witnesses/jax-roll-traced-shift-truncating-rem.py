# target: jax-xla
# optimization: jnp.roll
# origin: fault-witness
# parent: -
# description: roll by a shift that is a program input (traced under jit, concrete op by op), negative
import jax.numpy as jnp
import numpy as np


def fn(x, shift):
    return jnp.roll(x, shift, axis=1) * 2.0 + x


def make_inputs():
    x = np.random.standard_normal((3, 6)).astype(np.float32)
    return (x, np.array(-2, dtype=np.int32))
