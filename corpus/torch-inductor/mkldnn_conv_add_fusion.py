# target: torch-inductor
# optimization: mkldnn_conv_add_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: packed conv output added to a same-shaped tensor is fused into mkldnn._convolution_pointwise.binary (mkldnn binary add fusion)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(4, 4, kernel_size=3, padding=1)

    def forward(self, x, other):
        return self.conv(x) + other.sin()


def make_inputs():
    return (torch.randn(2, 4, 10, 10), torch.randn(2, 4, 10, 10))
