# target: jax-xla
# optimization: -
# origin: campaign
# parent: -
# expect: bug
# symptom: wrong_value
# match: NaN/Inf only in compiled
# oracle: values
# confirmed: jax 0.10.2
# issue: -
# description: jax.jit of jax.nn.logsumexp(jnp.square(x)) on CPU returns inf once a square passes about 2**32 (x = 66000 in float32), while op by op, and jit of logsumexp on the squares computed outside, return the finite max (4.36e9); found by the 'large' input draw of a fault-benchmark campaign, minimized by hand
import jax
import jax.numpy as jnp
import numpy as np


def fn(x):
    return jax.nn.logsumexp(jnp.square(x))


def make_inputs():
    return (np.array([70000.0, 35000.0], np.float32),)
