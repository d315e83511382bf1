# target: torch-inductor
# optimization: mkldnn_conv_sigmoid_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: sigmoid after a frozen/packed conv is fused into mkldnn._convolution_pointwise (unary attr sigmoid)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, kernel_size=3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        return torch.sigmoid(y)


def make_inputs():
    return (torch.randn(2, 3, 12, 12),)
