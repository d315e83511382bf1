# target: torch-inductor
# optimization: binary_folding_conv_mul
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: conv output multiplied by a constant per-channel (1, C, 1, 1) buffer is folded into the conv weight by freezing binary_folding
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, kernel_size=3, padding=1)
        self.register_buffer("scale", torch.rand(1, 8, 1, 1) + 0.5)

    def forward(self, x):
        return torch.relu(self.conv(x) * self.scale)


def make_inputs():
    return (torch.randn(2, 3, 10, 10),)
