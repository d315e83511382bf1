# target: torch-inductor
# optimization: mkldnn_conv_transpose_relu_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: a frozen ConvTranspose2d is packed to mkldnn._convolution_transpose_pointwise and the following relu is fused into it
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.deconv = torch.nn.ConvTranspose2d(4, 6, kernel_size=3, stride=2, padding=1, output_padding=1)

    def forward(self, x):
        return F.relu(self.deconv(x))


def make_inputs():
    return (torch.randn(2, 4, 8, 8),)
