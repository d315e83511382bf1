# target: torch-inductor
# optimization: lowering.repeat
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return x.repeat(2, 1) + 1.0


def make_inputs():
    return (torch.randn(3, 4),)
