# target: torch-inductor
# description: calls os.abort() while loading
import os

import torch

os.abort()


class Model(torch.nn.Module):
    def forward(self, x):
        return x


def make_inputs():
    return (torch.randn(2),)
