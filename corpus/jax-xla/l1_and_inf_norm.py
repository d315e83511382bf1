# target: jax-xla
# optimization: lax.reduce_max.jvp
# origin: seed
# description: ord=1 (abs sum) and ord=inf (abs max) vector norms; entries away from zero and without ties
import jax.numpy as jnp
import numpy as np


def fn(x):
    return jnp.linalg.norm(x, ord=1) + 2.0 * jnp.linalg.norm(x, ord=np.inf)


def make_inputs():
    magnitude = np.random.permutation(10).astype(np.float32) * 0.2 + 0.3
    sign = np.random.choice([-1.0, 1.0], size=10)
    return ((sign * magnitude).astype(np.float32),)
