# target: torch-inductor
# optimization: sdpa_cpu_flash_attention
# origin: seed
# parent: -
# mode: inference
# description: causal F.scaled_dot_product_attention on CPU becomes _scaled_dot_product_flash_attention_for_cpu, kept as an extern fallback with sdpa_constraint stride fixing of its inputs
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = torch.nn.Linear(32, 96)

    def forward(self, x):
        b, s, _ = x.shape
        q, k, v = self.qkv(x).view(b, s, 3, 4, 8).permute(2, 0, 3, 1, 4)
        out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return out.transpose(1, 2).reshape(b, s, 32)


def make_inputs():
    return (torch.randn(2, 10, 32),)
