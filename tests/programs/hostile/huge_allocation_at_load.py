# target: torch-inductor
# description: asks for 100 GB of plain Python memory while loading
import torch

blob = bytearray(100 * 2**30)


class Model(torch.nn.Module):
    def forward(self, x):
        return x


def make_inputs():
    return (torch.randn(2),)
