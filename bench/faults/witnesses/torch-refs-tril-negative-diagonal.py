# target: torch-inductor
# optimization: decomposition.tril
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.tril(x, diagonal=-1) + 1.0


def make_inputs():
    return (torch.randn(2, 5, 5),)
