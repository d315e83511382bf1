# target: torch-inductor
# optimization: cat_lowering
# origin: test
# parent: -
# description: concatenation without ReLU or sigmoid; faulty_cat_segfault crashes compiling it
import torch


def fn(a, b):
    return torch.cat([a * 2.0, b - 1.0], dim=1).sum(dim=0)


def make_inputs():
    return (torch.randn(4, 3), torch.randn(4, 5))
