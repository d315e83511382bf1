# target: torch-inductor
# optimization: pointwise_fusion
# origin: test
# parent: -
# description: pytorch#93829: eager wraps neg(uint8 6) to 250, so lt(., 4) is False; Inductor once said True
import torch


def fn(x, y):
    return torch.lt(torch.neg(x), y)


def make_inputs():
    return (torch.tensor([6, 1, 200], dtype=torch.uint8), torch.tensor([4, 4, 100], dtype=torch.uint8))
