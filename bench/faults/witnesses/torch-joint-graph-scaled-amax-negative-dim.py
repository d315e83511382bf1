# target: torch-inductor
# optimization: joint_graph.mul_softmax_pattern
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x, w):
        scaled = x * w
        return scaled - scaled.amax(dim=-1, keepdim=True)


def make_inputs():
    return (torch.randn(4, 8), torch.rand(1, 8) + 0.5)
