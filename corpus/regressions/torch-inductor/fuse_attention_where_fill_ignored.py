# target: torch-inductor
# optimization: fuse_attention._sfdp_pattern_18_inference
# origin: pattern
# parent: -
# mode: inference
# expect: bug
# symptom: wrong_value
# match: compiled is further from fp64 than eager
# oracle: values
# confirmed: torch 2.13.0+cpu
# issue: -
# family: fuse_attention._sfdp_pattern_18_inference, fuse_attention._sfdp_pattern_18_half_inference, fuse_attention._sfdp_pattern_18_bs1_inference, fuse_attention._sfdp_pattern_18_half_bs1_inference
# description: fuse_attention's _sfdp_pattern_18 (GPT-2's causal where) matches torch.where(causal_mask, scores, fill) for a fill of 0.0 too and replaces it with SDPA on the bool mask, which drops the masked scores (fill -inf) where the program keeps them at 0: compiled is off by up to 1.45 in float32 and float16; with the pattern's own fill, finfo.min, nothing is fused and compiled agrees (found when triage minimized a float16 pattern-18 program of the fault benchmark's gelu campaign on unpatched torch: the minimizer put dropout_p in the fill's place)
import torch


class Model(torch.nn.Module):
    def forward(self, query, key, value, causal_mask):
        query = query.permute([0, 2, 1, 3])
        key = key.permute([0, 2, 1, 3])
        value = value.permute([0, 2, 1, 3])
        scores = torch.matmul(query, key.permute(0, 1, 3, 2))
        scores = scores.div(torch.full([], 4.0, dtype=scores.dtype))
        scores = torch.where(causal_mask, scores, 0.0)
        return torch.nn.functional.dropout(scores.softmax(dim=-1), 0.0).matmul(value)


def make_inputs():
    return (
        torch.randn(2, 4, 8, 16),
        torch.randn(2, 4, 8, 16),
        torch.randn(2, 4, 8, 16),
        torch.tensor([True, False, True, True, True, True, False, True]).reshape(2, 1, 1, 4),
    )
