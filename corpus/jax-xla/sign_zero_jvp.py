# target: jax-xla
# optimization: lax.sign.jvp_zero
# origin: seed
# description: sign has a zero JVP; sign(x) * x**2 must differentiate to 2|x| away from zero
import jax.numpy as jnp
import numpy as np


def fn(x):
    return jnp.sign(x) * x**2 + jnp.sign(x - 0.05) * 0.25


def make_inputs():
    sign = np.random.choice([-1.0, 1.0], size=(6, 4))
    return ((sign * np.random.uniform(0.3, 1.5, size=(6, 4))).astype(np.float32),)
