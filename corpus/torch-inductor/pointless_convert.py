# target: torch-inductor
# optimization: pointless_convert
# origin: seed
# parent: -
# mode: inference
# description: fp32 -> fp64 -> fp32 convert_element_type chain (widening then narrowing) is collapsed by joint_graph.pointless_convert
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        y = (x * 3.0).to(torch.float64).to(torch.float32)
        return torch.sigmoid(y) + x


def make_inputs():
    return (torch.randn(4, 16),)
