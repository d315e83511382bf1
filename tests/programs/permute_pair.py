# target: torch-inductor
# optimization: joint_graph.pointless_permute_pair
# origin: test
# parent: -
# description: a permute undone by its inverse, which joint_graph.pointless_permute_pair removes
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return x.permute(0, 2, 1).permute(0, 2, 1) * 3.0


def make_inputs():
    return (torch.randn(2, 4, 8),)
