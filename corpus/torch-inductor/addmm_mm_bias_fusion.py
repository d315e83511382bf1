# target: torch-inductor
# optimization: addmm_mm_bias_fusion
# origin: seed
# parent: -
# mode: inference
# description: mm(x, W) + bias with a broadcastable bias is fused into a single addmm by the post_grad.addmm pattern (the CPU side of unfuse_bias_add_to_pointwise)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(16, 24) * 0.2)
        self.bias = torch.nn.Parameter(torch.randn(24))

    def forward(self, x):
        h = torch.mm(x.relu(), self.weight)
        return h + self.bias


def make_inputs():
    return (torch.randn(8, 16),)
