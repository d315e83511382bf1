# target: jax-xla
# optimization: lax.while.jvp
# origin: test
# description: reverse mode through a while_loop: invalid for jit's reverse mode
# Op by op the loop is a Python loop and differentiates; jax.jit(jax.grad) rejects it while
# tracing (ValueError): an invalid program for gradients, no compiler bug.
import jax.numpy as jnp
import numpy as np
from jax import lax


def fn(x):
    def body(carry):
        i, acc = carry
        return i + 1, jnp.sin(acc)

    return lax.while_loop(lambda carry: carry[0] < 3, body, (0, x))[1]


def make_inputs():
    return (np.linspace(-1.0, 1.0, 4).astype(np.float32),)
