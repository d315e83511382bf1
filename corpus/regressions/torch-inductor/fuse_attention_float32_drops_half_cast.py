# target: torch-inductor
# optimization: fuse_attention._sfdp_pattern_7_inference
# origin: pattern
# parent: -
# mode: inference
# expect: bug
# symptom: wrong_dtype
# match: dtype: eager float16 vs compiled float32
# confirmed: torch 2.13.0+cpu
# issue: -
# family: fuse_attention._sfdp_pattern_7_inference, fuse_attention._sfdp_pattern_7_training, fuse_attention._sfdp_pattern_8_training, fuse_attention._sfdp_pattern_9_inference, fuse_attention._sfdp_pattern_9_training, fuse_attention._sfdp_pattern_10_training
# description: fuse_attention registers _sfdp_pattern_7 (and 8, 9, 10) for float32 inputs too, and its SDPA replacement drops the pattern's own .to(torch.float16): on float32 q, k, v eager returns float16, compiled float32 (found by the pattern-directed generator from the recipe of Inductor's own trace)
import torch


def _sfdp_pattern_7(query, key, value, inv_scale, dropout_p):
    q = query.permute(0, 2, 1, 3)
    k = key.permute(0, 2, 1, 3)
    v = value.permute(0, 2, 1, 3)
    div = q @ k.transpose(-2, -1) / inv_scale
    div = div.to(torch.float32)
    attn_weight = torch.softmax(div, dim=-1)
    attn_weight = torch.dropout(attn_weight, dropout_p, True)
    attn_weight = attn_weight.to(torch.float16)
    v = v.to(attn_weight.dtype)
    return attn_weight @ v


class Model(torch.nn.Module):
    def forward(self, query, key, value):
        return _sfdp_pattern_7(query, key, value, inv_scale=4.0, dropout_p=0.0)


def make_inputs():
    return (torch.randn(2, 4, 8, 16), torch.randn(2, 4, 8, 16), torch.randn(2, 4, 8, 16))
