# target: torch-inductor
# optimization: decomposition.softplus
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.nn.functional.softplus(x, beta=2.0, threshold=1.0)


def make_inputs():
    return (torch.randn(4, 8),)
