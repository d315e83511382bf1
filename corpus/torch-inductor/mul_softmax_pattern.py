# target: torch-inductor
# optimization: mul_softmax_pattern
# origin: seed
# parent: -
# mode: inference
# description: softmax of (x * scalar) decomposes to scaled - amax(scaled), rewritten to the numerically stable form by joint_graph.mul_softmax_pattern
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def forward(self, x):
        return F.softmax(x * 0.5, dim=-1)


def make_inputs():
    return (torch.randn(4, 6, 16),)
