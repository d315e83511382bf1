# target: torch-inductor
# optimization: decomposition.roll
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.roll(x, shifts=(1, 3), dims=(0, 1)) + 1.0


def make_inputs():
    return (torch.randn(4, 8),)
