# target: torch-inductor
# optimization: freezing_constant_folding
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: weight-norm style weight computation from parameters only is evaluated once at compile time by freezing constant_fold
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.v = torch.nn.Parameter(torch.randn(12, 16))
        self.g = torch.nn.Parameter(torch.rand(12, 1) + 0.5)

    def forward(self, x):
        w = self.v * (self.g / self.v.norm(dim=1, keepdim=True))
        return torch.mm(x, w.t()).tanh()


def make_inputs():
    return (torch.randn(8, 16),)
