# target: torch-inductor
# optimization: none
# origin: test
# parent: -
# description: a shape error: eager raises, so the program is invalid, not a bug
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return x @ x


def make_inputs():
    return (torch.randn(3, 4),)
