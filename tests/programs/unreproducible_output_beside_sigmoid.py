# target: torch-inductor
# optimization: pointwise_fusion
# origin: test
# parent: -
# description: one output eager itself does not reproduce (a call count), one sigmoid it does
import torch

_CALLS = []


def fn(x):
    _CALLS.append(None)  # each call returns another count, as an op reading uninitialized memory would
    return torch.full((2,), float(len(_CALLS))), torch.sigmoid(x) * 2.0


def make_inputs():
    return (torch.randn(8, 32),)
