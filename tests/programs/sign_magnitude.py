# target: torch-inductor
# optimization: -
# origin: test
# parent: -
# description: sign(x) * (|x| + 1): sign(0) matters only at exact zeros, which randn never draws
import torch


def fn(x):
    return torch.sign(x) * (x.abs() + 1.0)


def make_inputs():
    return (torch.randn(32, 16),)
