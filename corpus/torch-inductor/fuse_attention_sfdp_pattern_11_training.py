# target: torch-inductor
# optimization: fuse_attention_sfdp_pattern_11_training
# origin: seed
# parent: -
# mode: training
# description: HuggingFace style attention with (B, S, H, D) inputs permuted inside matches the joint fwd/bwd _sfdp_pattern_11 training pattern and becomes scaled_dot_product_attention
import torch


class Model(torch.nn.Module):
    def forward(self, q, k, v):
        q = q.permute(0, 2, 1, 3)
        k = k.permute(0, 2, 1, 3)
        v = v.permute(0, 2, 1, 3)
        return torch.matmul(q, k.transpose(-2, -1)).div(4.0).softmax(dim=-1).matmul(v)


def make_inputs():
    return (
        torch.randn(2, 8, 4, 16, requires_grad=True),
        torch.randn(2, 8, 4, 16, requires_grad=True),
        torch.randn(2, 8, 4, 16, requires_grad=True),
    )
