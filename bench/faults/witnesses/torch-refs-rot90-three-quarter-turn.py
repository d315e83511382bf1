# target: torch-inductor
# optimization: decomposition.rot90
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.rot90(x, k=-1, dims=(1, 2)) * 2.0


def make_inputs():
    return (torch.randn(2, 4, 4),)
