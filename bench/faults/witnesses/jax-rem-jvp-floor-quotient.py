# target: jax-xla
# optimization: lax.rem.jvp
# origin: fault-witness
# parent: -
# description: fmod and Python-style remainder with dividends of both signs, quotients kept away from integers where rem jumps
import jax.numpy as jnp
import numpy as np


def fn(x, y):
    return jnp.fmod(x, y) + 0.5 * jnp.remainder(x, 2.0 * y)


def make_inputs():
    y = np.random.uniform(0.8, 1.6, size=(3, 4))
    q = np.random.randint(-3, 3, size=(3, 4)) + np.random.uniform(0.3, 0.45, size=(3, 4))
    return ((q * y).astype(np.float32), y.astype(np.float32))
