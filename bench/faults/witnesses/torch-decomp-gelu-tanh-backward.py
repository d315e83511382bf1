# target: torch-inductor
# optimization: decomposition.gelu_backward
# origin: fault-witness
# parent: -
# mode: training
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.nn.functional.gelu(x * 2.0, approximate="tanh")


def make_inputs():
    return (torch.randn(4, 8),)
