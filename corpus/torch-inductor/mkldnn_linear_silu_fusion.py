# target: torch-inductor
# optimization: mkldnn_linear_silu_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: bf16 packed linear followed by silu (upcast to fp32, x/(1+exp(-x)), downcast) matches the low-precision _silu_fusion pattern (mkldnn linear unary swish)
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(16, 32).to(torch.bfloat16)

    def forward(self, x):
        y = self.linear(x)
        return F.silu(y)


def make_inputs():
    return (torch.randn(8, 16, dtype=torch.bfloat16),)
