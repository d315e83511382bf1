# target: torch-inductor
# optimization: lowering.pow
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return x.pow(3) - x


def make_inputs():
    return (torch.randn(4, 8),)
