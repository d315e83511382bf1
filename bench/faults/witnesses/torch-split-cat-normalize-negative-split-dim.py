# target: torch-inductor
# optimization: split_cat.normalize_split_default
# origin: fault-witness
# parent: -
# mode: inference
# config: pre_grad_fusion_options={'normalization_pass': {}}
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        a, b, c, d = torch.split(x, 2, dim=-1)
        return a * b + c - d


def make_inputs():
    return (torch.randn(4, 8),)
