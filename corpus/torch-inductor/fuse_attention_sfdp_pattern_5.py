# target: torch-inductor
# optimization: fuse_attention_sfdp_pattern_5
# origin: seed
# parent: -
# mode: inference
# description: softmax(q @ k^T / sqrt(d) + additive float mask) @ v matches _sfdp_pattern_5 (masked attention) and is replaced by scaled_dot_product_attention
import math

import torch


class Model(torch.nn.Module):
    def forward(self, q, k, v, mask):
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
        return torch.softmax(scores + mask, dim=-1) @ v


def make_inputs():
    mask = torch.zeros(1, 1, 8, 8).masked_fill(torch.rand(1, 1, 8, 8) > 0.7, -1e4)
    return (torch.randn(2, 4, 8, 16), torch.randn(2, 4, 8, 16), torch.randn(2, 4, 8, 16), mask)
