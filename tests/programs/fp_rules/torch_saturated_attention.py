# target: torch-inductor
# optimization: fuse_attention._sfdp_pattern_11_training
# origin: test
# parent: -
# mode: training
# description: attention with its logits divided by 0.001: a saturated, ill-conditioned softmax
# Inductor rewrites it into SDPA, whose float32 gradient rounds elsewhere than eager's (which
# runs op for op what the float64 referee runs); rounding noise on the referee moves it further.
import torch


class Model(torch.nn.Module):
    def forward(self, q, k):
        return torch.matmul(q, k.transpose(-2, -1)).div(0.001).softmax(dim=-1).matmul(k)


def make_inputs():
    return (torch.randn(2, 4, 4, 4), torch.randn(2, 4, 4, 4))
