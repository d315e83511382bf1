# target: torch-inductor
# description: asks for 100 GB
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return x + torch.ones(25_000_000_000)[:2]


def make_inputs():
    return (torch.randn(2),)
