# target: torch-inductor
# optimization: decomposition.addmm
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, bias, x, w):
        return torch.addmm(bias, x, w, beta=0.5, alpha=2.0)


def make_inputs():
    return (torch.randn(1, 8), torch.randn(1, 6), torch.randn(6, 8))
