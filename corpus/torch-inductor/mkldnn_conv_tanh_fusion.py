# target: torch-inductor
# optimization: mkldnn_conv_tanh_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: tanh after a frozen/packed conv is fused into mkldnn._convolution_pointwise (unary attr tanh)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, kernel_size=3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        return torch.tanh(y)


def make_inputs():
    return (torch.randn(2, 3, 12, 12),)
