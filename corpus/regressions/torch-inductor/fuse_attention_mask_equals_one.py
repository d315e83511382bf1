# target: torch-inductor
# optimization: fuse_attention._sfdp_pattern_15_inference
# origin: pattern
# parent: -
# mode: inference
# expect: bug
# symptom: wrong_value
# match: compiled is further from fp64 than eager
# confirmed: torch 2.13.0+cpu
# issue: -
# description: fuse_attention's _sfdp_pattern_15 (and 20) masks the positions where attn_mask == 0, and its SDPA replacement keeps the positions where attn_mask == 1: the same only for masks of zeros and ones; on a float mask with other values (here none is 0 or 1) eager masks nothing and compiled masks everything, off by up to 2.8 (found by the pattern-directed generator from the recipe of Inductor's own trace)
import torch


def _sfdp_pattern_15(query, key, value, attn_mask, inv_scale):
    q = query.permute([0, 2, 1, 3])
    k = key.permute([0, 2, 1, 3])
    v = value.permute([0, 2, 1, 3])
    bs = q.size(0)
    k_len = k.size(-2)
    scores = q @ k.transpose(-2, -1)
    scores = scores.div(inv_scale)
    fill_value = torch.full((), -float("inf"), dtype=query.dtype, device=query.device)
    attn_mask = (attn_mask == 0).view((bs, 1, 1, k_len)).expand_as(scores)
    return torch.softmax(scores.masked_fill(attn_mask, fill_value), dim=-1) @ v


class Model(torch.nn.Module):
    def forward(self, query, key, value, attn_mask):
        return _sfdp_pattern_15(query, key, value, attn_mask, inv_scale=4.0)


def make_inputs():
    return (torch.randn(2, 4, 8, 16), torch.randn(2, 4, 8, 16), torch.randn(2, 4, 8, 16), torch.rand(2, 4) + 2.0)
