# target: torch-inductor
# optimization: joint_graph.pointless_permute_pair
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return x.permute(1, 2, 0).permute(1, 2, 0) * 2.0


def make_inputs():
    return (torch.randn(4, 4, 4),)
