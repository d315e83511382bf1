# target: torch-inductor
# optimization: decomposition.elu_backward
# origin: fault-witness
# parent: -
# mode: training
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.nn.functional.celu(x, alpha=2.0) * 1.5


def make_inputs():
    return (torch.randn(4, 8),)
