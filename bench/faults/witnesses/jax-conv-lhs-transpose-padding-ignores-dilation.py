# target: jax-xla
# optimization: lax.conv_general_dilated.transpose
# origin: fault-witness
# parent: -
# description: 1-D convolution with a dilated kernel (rhs_dilation 2) and SAME padding, NCH layout
import jax.numpy as jnp
import numpy as np
from jax import lax


def fn(x, k):
    y = lax.conv_general_dilated(x, k, window_strides=(1,), padding="SAME", rhs_dilation=(2,))
    return jnp.tanh(y)


def make_inputs():
    x = np.random.standard_normal((2, 3, 10)).astype(np.float32)
    k = (0.3 * np.random.standard_normal((4, 3, 3))).astype(np.float32)
    return (x, k)
