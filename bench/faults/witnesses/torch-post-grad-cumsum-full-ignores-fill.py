# target: torch-inductor
# optimization: post_grad.pointless_cumsum_replacement
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        positions = torch.full((4, 8), 0.5).cumsum(dim=1)
        return x + positions


def make_inputs():
    return (torch.randn(4, 8),)
