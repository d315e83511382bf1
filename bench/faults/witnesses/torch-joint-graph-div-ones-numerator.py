# target: torch-inductor
# optimization: joint_graph.constant_fold_uniform_value
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.ones_like(x) / (x.abs() + 1.0)


def make_inputs():
    return (torch.randn(4, 8),)
