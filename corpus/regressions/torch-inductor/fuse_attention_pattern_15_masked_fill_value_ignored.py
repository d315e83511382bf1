# target: torch-inductor
# optimization: fuse_attention._sfdp_pattern_15_inference
# origin: pattern
# parent: -
# mode: inference
# expect: bug
# symptom: wrong_value
# match: compiled is further from fp64 than eager
# oracle: values
# confirmed: torch 2.13.0+cpu
# issue: -
# family: fuse_attention._sfdp_pattern_15_inference, fuse_attention._sfdp_pattern_15_half_inference
# description: fuse_attention's _sfdp_pattern_15 ((q @ k^T).div(inv_scale) masked where a padding mask equals 0, softmax, @ v) matches scores.masked_fill(mask, fill) for any fill, here 0.0, and replaces it with SDPA on the bool mask, which drops the masked scores (fill -inf) where the program keeps them at 0. The bug of pattern 20 (fuse_attention_masked_fill_value_ignored.py) in another pattern: the fill is a torch.full the pattern does not check (found in the fault-benchmark campaign m10-no-idle of torch-lowering-unfold-size-as-step on unpatched torch, as a float16 program whose fill triage's minimizer had set to the batch size, cluster da39904779; confirmed with plain torch.compile: off by up to 0.92 with fill 0.0, agrees with fill -inf). Triage names a silent mismatch after either pattern-15 variant this bug
import torch


class Model(torch.nn.Module):
    def forward(self, query, key, value, padding_mask):
        query = query.permute([0, 2, 1, 3])
        key = key.permute([0, 2, 1, 3])
        value = value.permute([0, 2, 1, 3])
        scores = (query @ key.transpose(-2, -1)).div(4.0)
        masked = (padding_mask == 0).view((2, 1, 1, 8)).expand_as(scores)
        return torch.softmax(scores.masked_fill(masked, 0.0), dim=-1) @ value


def make_inputs():
    return (
        torch.randn(2, 8, 4, 16),
        torch.randn(2, 8, 4, 16),
        torch.randn(2, 8, 4, 16),
        torch.tensor([1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0]).reshape(2, 8),
    )
