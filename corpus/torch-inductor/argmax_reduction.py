# target: torch-inductor
# optimization: argmax_reduction
# origin: seed
# parent: -
# mode: inference
# description: argmax over both dims of a pointwise-transformed tensor is lowered via make_reduction("argmax") into cpp argmax reduction kernels
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        y = torch.sin(x) * x
        return y.argmax(dim=1), y.argmax(dim=0, keepdim=True)


def make_inputs():
    return (torch.randn(16, 40),)
