# target: jax-xla
# optimization: lax.conv_general_dilated.transpose
# origin: seed
# description: a 1-d convolution with rhs dilation and feature groups, NWC layout
import numpy as np
from jax import lax


def fn(x, kernel):
    return lax.conv_general_dilated(
        x,
        kernel,
        window_strides=(1,),
        padding="SAME",
        rhs_dilation=(2,),
        dimension_numbers=("NWC", "WIO", "NWC"),
        feature_group_count=2,
    )


def make_inputs():
    return (np.random.randn(2, 9, 4).astype(np.float32), (np.random.randn(3, 2, 6) * 0.5).astype(np.float32))
