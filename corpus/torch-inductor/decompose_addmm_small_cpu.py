# target: torch-inductor
# optimization: decompose_addmm_small_cpu
# origin: seed
# parent: -
# mode: inference
# description: batch-1 Linear with at most 16x16 weights hits Inductor's CPU addmm decomposition into a broadcast multiply + sum (decompose_addmm)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(12, 10)

    def forward(self, x):
        return torch.tanh(self.linear(x))


def make_inputs():
    return (torch.randn(1, 12),)
