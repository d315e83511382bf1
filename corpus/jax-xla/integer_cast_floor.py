# target: jax-xla
# optimization: lax.convert_element_type.jvp
# origin: seed
# description: a float-to-int32 cast (zero derivative) scaling a float path; inputs away from integers
import jax.numpy as jnp
import numpy as np


def fn(x):
    steps = (x * 2.0).astype(jnp.int32)
    return x * steps.astype(jnp.float32) + jnp.sin(x)


def make_inputs():
    whole = np.random.randint(-3, 4, size=(4, 4))
    return (((whole + np.random.uniform(0.2, 0.8, size=(4, 4))) / 2.0).astype(np.float32),)
