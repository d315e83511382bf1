# target: jax-xla
# optimization: lax.atan2.jvp
# origin: seed
# description: atan2 of points away from the origin and away from the negative x axis (its branch cut)
import jax.numpy as jnp
import numpy as np


def fn(y, x):
    return jnp.arctan2(y, x) * jnp.hypot(x, y)


def make_inputs():
    angle = np.random.uniform(-2.5, 2.5, size=(8,))
    radius = np.random.uniform(0.5, 2.0, size=(8,))
    return ((radius * np.sin(angle)).astype(np.float32), (radius * np.cos(angle)).astype(np.float32))
