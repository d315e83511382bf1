# target: torch-inductor
# optimization: lowering.select
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return x[1:, -1] * 2.0


def make_inputs():
    return (torch.randn(4, 8),)
