# target: torch-inductor
# optimization: mkldnn_linear_relu_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: bf16 Linear under freezing is packed to mkldnn._linear_pointwise (bf16 takes the mkldnn path, fp32 would go to MKL) and relu is fused as its unary post-op
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(16, 32).to(torch.bfloat16)

    def forward(self, x):
        y = self.linear(x)
        return F.relu(y)


def make_inputs():
    return (torch.randn(8, 16, dtype=torch.bfloat16),)
