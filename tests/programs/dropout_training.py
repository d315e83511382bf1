# target: torch-inductor
# optimization: random_lowering
# origin: test
# parent: -
# mode: training
# description: dropout draws random numbers in the compiled graph; fair only with fallback_random
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(32, 32)

    def forward(self, x):
        return torch.nn.functional.dropout(self.linear(x), p=0.5, training=True)


def make_inputs():
    return (torch.randn(16, 32),)
