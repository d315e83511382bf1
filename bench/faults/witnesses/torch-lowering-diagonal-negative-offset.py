# target: torch-inductor
# optimization: lowering.diagonal
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.diagonal(x, offset=-1, dim1=-2, dim2=-1) * 2.0


def make_inputs():
    return (torch.randn(3, 5, 5),)
