# target: torch-inductor
# optimization: split_cat_normalize_split
# origin: seed
# parent: -
# mode: inference
# config: pre_grad_fusion_options={'normalization_pass': {}}
# description: Tensor.split with an int size and a negative dim is rewritten into torch.split(x, [sizes], dim=positive) by the pre-grad split_cat normalization_pass
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        a, b, c = x.split(4, -1)
        return a * b - c.exp() * 0.1


def make_inputs():
    return (torch.randn(5, 12),)
