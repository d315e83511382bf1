# target: torch-inductor
# optimization: decomposition.clamp
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.clamp(x, min=0.0, max=0.5) * 3.0


def make_inputs():
    return (torch.randn(4, 8),)
