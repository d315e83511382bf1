# target: torch-inductor
# optimization: fuse_attention._sfdp_pattern_20_inference
# origin: pattern
# parent: -
# mode: inference
# expect: bug
# symptom: wrong_value
# match: compiled is further from fp64 than eager
# oracle: values
# confirmed: torch 2.13.0+cpu
# issue: -
# family: fuse_attention._sfdp_pattern_20_inference, fuse_attention._sfdp_pattern_20_half_inference
# description: fuse_attention's _sfdp_pattern_20 (attention masked where a padding mask equals 0) matches scores.masked_fill(mask, fill) for any fill, here 0.0, and replaces it with SDPA on the bool mask, which drops the masked scores (fill -inf) where the program keeps them at 0: compiled is off by up to ~2.5 in float32 and float16; with the pattern's own fill, -inf, compiled agrees. The same kind of bug as pattern 18's (fuse_attention_where_fill_ignored.py): the fill is a torch.full the pattern does not check (found by the pattern-directed generator in fault-benchmark campaigns on unpatched torch, as a float16 program whose fill triage's minimizer had set to inv_scale; confirmed with plain torch.compile, fills -inf, 4.0 and 0.0). Triage names a silent mismatch after either pattern-20 variant this bug; pattern 20's other bug, a mask value neither 0 nor 1 (fuse_attention_mask_equals_one.py), shows the same text there
import torch


class Model(torch.nn.Module):
    def forward(self, query, key, value, padding_mask):
        query = query.permute([0, 2, 1, 3])
        key = key.permute([0, 2, 1, 3])
        value = value.permute([0, 2, 1, 3])
        scores = query.div(4.0) @ key.transpose(-2, -1)
        masked = (padding_mask == 0).view((2, 1, 1, 8)).expand_as(scores)
        return torch.softmax(scores.masked_fill(masked, 0.0), dim=-1) @ value


def make_inputs():
    return (
        torch.randn(2, 8, 4, 16),
        torch.randn(2, 8, 4, 16),
        torch.randn(2, 8, 4, 16),
        torch.tensor([1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0]).reshape(2, 8),
    )
