# target: torch-inductor
# optimization: mkldnn_linear_add_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: bf16 packed linear output plus a same-shaped bf16 tensor (offset away from zero so bf16 rounding of the unfused sum cannot cancel) is fused into mkldnn._linear_pointwise.binary(add)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(16, 24).to(torch.bfloat16)

    def forward(self, x, other):
        return self.linear(x) + other


def make_inputs():
    return (torch.randn(8, 16, dtype=torch.bfloat16), torch.rand(8, 24, dtype=torch.bfloat16) + 4.0)
