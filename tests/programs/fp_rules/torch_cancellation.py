# target: torch-inductor
# optimization: -
# origin: test
# parent: -
# mode: inference
# description: two sums of 1e4-scaled values that cancel to the row length: ill-conditioned
# Any float32 evaluation is off by about 1e4 * |x| * 2^-24 * sqrt(64) from the float64 value.
import torch


def fn(x):
    return (x * 1e4 + 1.0).sum(-1) - (x * 1e4).sum(-1)


def make_inputs():
    return (torch.randn(4, 64),)
