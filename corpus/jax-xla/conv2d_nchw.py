# target: jax-xla
# optimization: lax.conv_general_dilated.transpose
# origin: seed
# description: a strided, padded 2-d convolution (NCHW); its transposes give input and kernel gradients
import jax.numpy as jnp
import numpy as np
from jax import lax


def fn(image, kernel):
    out = lax.conv_general_dilated(image, kernel, window_strides=(2, 1), padding=((1, 1), (0, 1)))
    return jnp.tanh(out)


def make_inputs():
    return (
        np.random.randn(2, 3, 6, 5).astype(np.float32),
        (np.random.randn(4, 3, 3, 2) * 0.3).astype(np.float32),
    )
