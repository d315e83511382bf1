# target: torch-inductor
# optimization: mkldnn_conv_add_relu_fusion
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: residual block tail relu(conv(x) + identity) is fused into one mkldnn conv binary(add)+unary(relu) call
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(4, 4, kernel_size=3, padding=1)
        self.conv2 = torch.nn.Conv2d(4, 4, kernel_size=3, padding=1)

    def forward(self, x):
        identity = x * 0.5
        y = self.conv2(torch.relu(self.conv1(x)))
        return torch.relu(y + identity)


def make_inputs():
    return (torch.randn(2, 4, 10, 10),)
