# target: torch-inductor
# optimization: post_grad.cat_splitwithsizes_replace
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, a, b):
        left, right = torch.cat([a, b], dim=1).split([3, 2], dim=1)
        return left * 2.0, right + 1.0


def make_inputs():
    return (torch.randn(4, 2), torch.randn(4, 3))
