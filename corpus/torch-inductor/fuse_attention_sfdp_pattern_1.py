# target: torch-inductor
# optimization: fuse_attention_sfdp_pattern_1
# origin: seed
# parent: -
# mode: inference
# description: matmul(q, k^T) / sqrt(d), softmax, matmul(v) matches _sfdp_pattern_1 and is replaced by scaled_dot_product_attention (fuse_attention)
import math

import torch


class Model(torch.nn.Module):
    def forward(self, q, k, v):
        scores = torch.matmul(q, k.transpose(-2, -1)).div(math.sqrt(q.size(-1)))
        return scores.softmax(dim=-1).matmul(v)


def make_inputs():
    return (torch.randn(2, 4, 8, 16), torch.randn(2, 4, 8, 16), torch.randn(2, 4, 8, 16))
