# target: torch-inductor
# optimization: remove_identity_arithmetic
# origin: seed
# parent: -
# mode: inference
# description: x * ones, x + zeros, x - zeros and x / ones are identity arithmetic removed by joint_graph.remove_no_ops after uniform-value constant folding
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        y = x.sin()
        y = y * torch.ones(4, 8)
        y = y + torch.zeros(4, 8)
        y = y - torch.zeros(4, 8)
        y = y / torch.ones(4, 8)
        return y.cos()


def make_inputs():
    return (torch.randn(4, 8),)
