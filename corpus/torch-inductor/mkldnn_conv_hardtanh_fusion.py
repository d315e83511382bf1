# target: torch-inductor
# optimization: mkldnn_conv_hardtanh_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: hardtanh decomposes to clamp_min/clamp_max after a packed conv and matches _hardtanh_fusion (mkldnn unary hardtanh)
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, kernel_size=3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        return F.hardtanh(y, min_val=-0.5, max_val=0.75)


def make_inputs():
    return (torch.randn(2, 3, 12, 12),)
