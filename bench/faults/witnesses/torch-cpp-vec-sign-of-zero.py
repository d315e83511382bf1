# target: torch-inductor
# optimization: codegen.cpp.sign
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.sign(torch.relu(x)) + x


def make_inputs():
    return (torch.randn(4, 64),)
