# target: jax-xla
# optimization: lax.sin.jvp
# origin: seed
# description: sin, cos and tanh chained elementwise; their JVP rules and XLA's elementwise fusion
import jax.numpy as jnp
import numpy as np


def fn(x):
    return jnp.tanh(jnp.sin(x) * 1.5) + jnp.cos(2.0 * x)


def make_inputs():
    return (np.random.randn(4, 8).astype(np.float32),)
