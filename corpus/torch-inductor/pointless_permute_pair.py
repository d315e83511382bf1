# target: torch-inductor
# optimization: pointless_permute_pair
# origin: seed
# parent: -
# mode: inference
# description: permute followed by its inverse permute is removed by joint_graph.pointless_permute_pair
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(8, 8)

    def forward(self, x):
        y = (x * 2.0).permute(0, 2, 1).permute(0, 2, 1)
        return self.linear(y).relu()


def make_inputs():
    return (torch.randn(2, 4, 8),)
