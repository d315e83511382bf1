# target: torch-inductor
# optimization: pointless_cumsum
# origin: seed
# parent: -
# mode: inference
# description: cumsum over a constant full tensor (OPT position-id style) is replaced by an arange by post_grad.pointless_cumsum_replacement
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        pos = torch.full((4, 12), 1.0).cumsum(dim=1)
        return x * pos * 0.1


def make_inputs():
    return (torch.randn(4, 12),)
