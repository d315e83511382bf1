# target: jax-xla
# optimization: lax.erf.jvp
# origin: seed
# description: special functions with hand-written JVPs: erf, lgamma and digamma-free log1p/expm1
import jax.numpy as jnp
import numpy as np
from jax.scipy import special


def fn(x):
    return special.erf(x) + special.gammaln(x + 2.5) * 0.3 + jnp.log1p(jnp.expm1(x * 0.5) + 0.5)


def make_inputs():
    return (np.random.uniform(-1.0, 1.0, size=(7,)).astype(np.float32),)
