# target: torch-inductor
# optimization: fuse_attention._sfdp_pattern_5
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, q, k, v, mask):
        scores = q @ k.transpose(-2, -1) / 4.0 + mask
        return torch.softmax(scores, dim=-1) @ v


def make_inputs():
    mask = torch.rand(1, 1, 8, 8) > 0.5
    return (torch.randn(2, 4, 8, 16), torch.randn(2, 4, 8, 16), torch.randn(2, 4, 8, 16), mask)
