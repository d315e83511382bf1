# target: torch-inductor
# optimization: mkldnn_conv_leaky_relu_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: leaky_relu decomposes to where(x>0, x, x*slope) after a packed conv and matches _leaky_relu_fusion (mkldnn unary leaky_relu)
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, kernel_size=3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        return F.leaky_relu(y, negative_slope=0.1)


def make_inputs():
    return (torch.randn(2, 3, 12, 12),)
