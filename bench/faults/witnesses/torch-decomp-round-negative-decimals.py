# target: torch-inductor
# optimization: decomposition.round_dec
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.round(x * 100.0, decimals=-1)


def make_inputs():
    return (torch.randn(4, 8),)
