# target: jax-xla
# optimization: lax.cholesky
# description: float64 at the edge of overflow into a Cholesky: rounding noise, not a miscompile
# cosh of a squared log-gamma (~1e160) fed to a Cholesky factorization of non-positive-definite
# blocks: jit and op-by-op differ by 25 where values are 1e15, and one float64 rounding per
# primitive moves the result far more, or overflows it (ill_conditioned).  Found unpatched in the
# fault benchmark's jax-pad campaign, on its halves input draw.
import jax.numpy as jnp
import numpy as np
from jax.scipy import special


def fn(x0):
    v0 = x0 * x0 + 0.5
    v1 = special.gammaln(v0)
    v2 = v1 * v1 + 0.5
    v3 = jnp.cosh(v2)
    return jnp.linalg.cholesky(v3 + v0)


def make_inputs():
    # halves: the boundary draw that showed it (values k + 1/2)
    return (np.floor(np.random.standard_normal((11, 11, 1)) * 3.0) + 0.5,)
