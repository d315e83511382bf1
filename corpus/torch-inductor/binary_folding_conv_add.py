# target: torch-inductor
# optimization: binary_folding_conv_add
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: conv output plus a constant per-channel (C, 1, 1) shift buffer is folded into the conv bias by freezing binary_folding
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, kernel_size=3, padding=1)
        self.register_buffer("shift", torch.randn(8, 1, 1))

    def forward(self, x):
        return torch.tanh(self.conv(x) + self.shift)


def make_inputs():
    return (torch.randn(2, 3, 10, 10),)
