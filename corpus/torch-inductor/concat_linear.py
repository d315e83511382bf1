# target: torch-inductor
# optimization: concat_linear
# origin: seed
# parent: -
# mode: inference
# config: freezing=True, cpp.enable_concat_linear=True
# description: three linears (q/k/v style) on the same input with frozen weights are merged into one addmm over concatenated weights by the freezing addmm_patterns
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.q = torch.nn.Linear(16, 8)
        self.k = torch.nn.Linear(16, 8)
        self.v = torch.nn.Linear(16, 8)

    def forward(self, x):
        return self.q(x) * self.k(x) + self.v(x)


def make_inputs():
    return (torch.randn(6, 16),)
