# target: torch-inductor
# optimization: mkldnn_conv_sub_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: packed conv output minus a same-shaped tensor matches the binary_v2 sub pattern and becomes mkldnn._convolution_pointwise.binary(sub)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 6, kernel_size=3, padding=1)

    def forward(self, x, other):
        return self.conv(x) - other.cos()


def make_inputs():
    return (torch.randn(2, 3, 10, 10), torch.randn(2, 6, 10, 10))
