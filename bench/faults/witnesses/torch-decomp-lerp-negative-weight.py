# target: torch-inductor
# optimization: decomposition.lerp
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, a, b):
        return torch.lerp(a, b, -0.75)


def make_inputs():
    return (torch.randn(4, 8), torch.randn(4, 8))
