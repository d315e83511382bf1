# target: torch-inductor
# optimization: lowering.unfold
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        windows = x.unfold(1, 3, 2)
        return windows.sum(dim=-1)


def make_inputs():
    return (torch.randn(4, 11),)
