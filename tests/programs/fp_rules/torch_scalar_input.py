# target: torch-inductor
# optimization: -
# origin: test
# parent: -
# description: a 0-d input; its tangent and weights are numpy scalars, which torch.from_numpy refuses
import torch


def fn(x0, x1):
    return torch.stack((x0.amin(), x1, x0.amin() + 0.75)).cos()


def make_inputs():
    return (torch.randn(5, 2), torch.randn(()))
