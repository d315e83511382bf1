# target: torch-inductor
# optimization: constant_fold_uniform_value
# origin: seed
# parent: -
# mode: inference
# description: arithmetic on full() constants yields a uniform tensor that joint_graph.constant_fold_uniform_value replaces with a single full()
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        c = torch.full((4, 8), 2.0) * 3.0 + 1.0
        return x * c - c.exp() * 1e-3


def make_inputs():
    return (torch.randn(4, 8),)
