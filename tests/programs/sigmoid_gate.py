# target: torch-inductor
# optimization: pointwise_fusion
# origin: test
# parent: -
# description: a sigmoid gate; a backend that breaks sigmoid must be caught here
import torch


class Model(torch.nn.Module):
    def forward(self, x, y):
        return torch.sigmoid(x) * y + x.tanh()


def make_inputs():
    return (torch.randn(8, 32), torch.randn(8, 32))
