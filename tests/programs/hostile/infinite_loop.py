# target: torch-inductor
# description: never returns
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        while True:
            x = x + 1


def make_inputs():
    return (torch.randn(2),)
