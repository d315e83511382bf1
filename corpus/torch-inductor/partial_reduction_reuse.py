# target: torch-inductor
# optimization: partial_reduction_reuse
# origin: seed
# parent: -
# mode: inference
# description: amax over dim 1 (keepdim) and a full max of the same 4096-element tensor reuse the partial reduction (post_grad reuse_partial)
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        y = x * 1.5
        row_max = y.amax(dim=1, keepdim=True)
        full_max = y.max()
        return row_max - full_max


def make_inputs():
    return (torch.randn(64, 64),)
