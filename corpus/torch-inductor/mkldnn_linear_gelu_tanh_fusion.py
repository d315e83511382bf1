# target: torch-inductor
# optimization: mkldnn_linear_gelu_tanh_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: bf16 packed linear followed by tanh-approximated gelu matches the low-precision _gelu_fusion_2 pattern (mkldnn linear unary gelu tanh)
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(16, 32).to(torch.bfloat16)

    def forward(self, x):
        y = self.linear(x)
        return F.gelu(y, approximate="tanh")


def make_inputs():
    return (torch.randn(8, 16, dtype=torch.bfloat16),)
