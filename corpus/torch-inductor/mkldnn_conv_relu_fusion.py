# target: torch-inductor
# optimization: mkldnn_conv_relu_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: under freezing the conv weight is packed to mkldnn._convolution_pointwise and the following relu is fused into it (mkldnn_fusion unary relu lowering)
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, kernel_size=3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        return F.relu(y)


def make_inputs():
    return (torch.randn(2, 3, 12, 12),)
