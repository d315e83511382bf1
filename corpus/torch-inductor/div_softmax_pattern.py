# target: torch-inductor
# optimization: div_softmax_pattern
# origin: seed
# parent: -
# mode: inference
# description: softmax of (x / temperature) with a temperature broadcast along the reduced dim is rewritten by joint_graph.div_softmax_pattern
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("temperature", torch.rand(4, 6, 1) + 0.5)

    def forward(self, x):
        return F.softmax(x / self.temperature, dim=-1)


def make_inputs():
    return (torch.randn(4, 6, 16),)
