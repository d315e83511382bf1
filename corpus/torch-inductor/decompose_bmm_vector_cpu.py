# target: torch-inductor
# optimization: decompose_bmm_vector_cpu
# origin: seed
# parent: -
# mode: inference
# description: bmm of (B, 1, K) by (B, K, 1) (batched dot products) hits Inductor's CPU bmm decomposition into multiply + sum (decompose_bmm)
import torch


class Model(torch.nn.Module):
    def forward(self, a, b):
        return torch.bmm(a.relu(), b) * 0.5


def make_inputs():
    return (torch.randn(6, 1, 32), torch.randn(6, 32, 1))
