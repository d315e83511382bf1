# target: torch-inductor
# optimization: fuse_attention._sfdp_pattern_24_half_inference
# origin: pattern
# parent: -
# mode: inference
# expect: bug
# symptom: wrong_value
# match: NaN/Inf only in compiled
# oracle: values
# confirmed: torch 2.13.0+cpu
# issue: -
# description: fuse_attention's _sfdp_pattern_24 (half) replaces bmm(q, k^T) + attention_mask -> softmax -> .to(half) -> bmm(v) with SDPA on the half query and the float32 mask cast to half: eager adds the mask in float32 (type promotion), compiled rounds it to float16 first, so a mask value beyond 65504 becomes inf and the output NaN (on the large input draw: every element), and a mask of magnitude 1e3 moves the scores by up to half a unit (compiled off by ~0.1, within the float16 tolerance); with a mask in float16 range and precision both agree (found on the 'large' input draw of a pattern-24 program in a fault-benchmark campaign on unpatched torch, minimized by triage; confirmed with plain torch.compile)
import torch


class Model(torch.nn.Module):
    def forward(self, query, key, value, attention_mask):
        bs, n_head, seq_len, head_size = query.shape
        q = query.view(bs * n_head, -1, head_size)
        k = key.reshape(bs * n_head, -1, head_size)
        v = value.reshape(bs * n_head, -1, head_size)
        scores = torch.bmm(q, k.transpose(1, 2)).view(bs, n_head, seq_len, -1) + attention_mask
        weights = torch.nn.functional.softmax(scores.view(bs * n_head, seq_len, -1), dim=-1).to(torch.half)
        return torch.bmm(weights, v).view(bs, n_head, seq_len, head_size)


def make_inputs():
    query = torch.randn(2, 4, 8, 16, dtype=torch.float16)
    return (query, query, query, torch.randn(1, 1, 8, 8) * 1000.0)
