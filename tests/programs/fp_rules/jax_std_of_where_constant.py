# target: jax-xla
# optimization: lax.select_n.transpose
# origin: test
# description: jnp.std of what a where makes constant: forward NaN, reverse 0
# Minimized from the unpatched-failing cluster of every 10-minute jax fault campaign at 7bea5ec.
# var is exactly 0, so sqrt's derivative is infinite there: forward mode carries the zero tangent
# into it (0 x inf = NaN), reverse mode's select transpose drops the NaN cotangent (0), and L is
# flat in x. Not a wrong rule: grad_singular_intermediate.
import jax.numpy as jnp
import numpy as np


def fn(x0):
    return jnp.std(jnp.where(x0 > 2.0, x0, 0.0 * 0.0))


def make_inputs():
    return (np.array([0.3]),)
