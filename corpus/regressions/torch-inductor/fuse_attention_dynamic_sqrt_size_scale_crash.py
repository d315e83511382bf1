# target: torch-inductor
# optimization: fuse_attention._sfdp_pattern_5_inference
# origin: mutate
# parent: -
# mode: inference
# compile: dynamic=True
# expect: bug
# symptom: crash
# match: for argument 'scale' but instead found type 'FakeTensor'
# oracle: values
# confirmed: torch 2.13.0+cpu
# issue: https://github.com/pytorch/pytorch/issues/191203
# description: attention scaled by math.sqrt(q.size(-1)) under torch.compile(dynamic=True) (float32 or bfloat16) fails to compile: BackendCompilerFailed, RuntimeError "aten::scaled_dot_product_attention() Expected a value of type 'Optional[float]' for argument 'scale' but instead found type 'FakeTensor'". The size is symbolic, so the scale the sfdp pattern captures (inv_scale, through its scalar workaround, which nothing type-checks) is no Python float, and the replacement passes it to SDPA's float scale. Static shapes compile and agree with eager. The bug of pytorch#191203 (a 0-d tensor scale) reached through a dynamic size (found by the fault-benchmark campaigns of 2026-12-07 on unpatched torch, a dtypes mutant of an attention program under the dynamic-shape compile settings, cluster 5a60739740 in three of four campaigns; confirmed with plain torch.compile)
import math

import torch


class Model(torch.nn.Module):
    def forward(self, q, k, v, mask):
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
        return torch.softmax(scores + mask, dim=-1) @ v


def make_inputs():
    mask = torch.zeros(1, 1, 8, 8).masked_fill(torch.rand(1, 1, 8, 8) > 0.7, -10000.0)
    return (torch.randn(2, 4, 8, 16), torch.randn(2, 4, 8, 16), torch.randn(2, 4, 8, 16), mask)
