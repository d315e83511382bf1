# target: jax-xla
# optimization: lax.scan.jvp
# origin: test
# description: a fori_loop whose body widens its float32 carry to float64: not valid JAX
# Op by op (jax.disable_jit) the loop is a Python loop that never checks; jax.jit's trace
# rejects the carry's type change (TypeError): an invalid program, no compiler bug.
import jax.numpy as jnp
import numpy as np
from jax import lax


def fn(x):
    return lax.fori_loop(0, 3, lambda i, c: c * 0.5 + jnp.sum(x.astype(jnp.float64)), jnp.zeros((), x.dtype))


def make_inputs():
    return (np.linspace(-1.0, 1.0, 4).astype(np.float32),)
