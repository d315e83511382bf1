# target: torch-inductor
# optimization: mkldnn_conv_gelu_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: erf-based gelu after a frozen/packed conv matches _gelu_fusion_1 and is fused as mkldnn conv unary attr gelu(none)
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, kernel_size=3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        return F.gelu(y)


def make_inputs():
    return (torch.randn(2, 3, 12, 12),)
