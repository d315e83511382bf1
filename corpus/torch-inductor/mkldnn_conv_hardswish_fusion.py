# target: torch-inductor
# optimization: mkldnn_conv_hardswish_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: hardswish decomposes to x*clamp(x+3,0,6)/6 after a packed conv and matches _hardswish_fusion (mkldnn unary hardswish)
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, kernel_size=3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        return F.hardswish(y)


def make_inputs():
    return (torch.randn(2, 3, 12, 12),)
