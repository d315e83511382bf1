# target: torch-inductor
# mode: training
# description: a bfloat16 round trip: Inductor may elide it (a known non-bug, values and gradients alike)
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return (x * 1.0).to(torch.bfloat16).to(torch.float32).sin()


def make_inputs():
    return (torch.randn(8, 16),)
