# target: torch-inductor
# optimization: decompose_mem_bound_mm
# origin: seed
# parent: -
# mode: inference
# config: post_grad_fusion_options={'decompose_mm_pass': {}}
# description: a memory-bound (1, K) x (K, N) mm is rewritten into broadcast multiply + sum by the post-grad decompose_mm_pass (decompose_mem_bound_mm)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(24, 20) * 0.2)

    def forward(self, x):
        return torch.mm(x.sin(), self.weight).relu()


def make_inputs():
    return (torch.randn(1, 24),)
