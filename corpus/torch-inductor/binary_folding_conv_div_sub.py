# target: torch-inductor
# optimization: binary_folding_conv_div_sub
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: conv output divided by a scalar then minus a scalar is folded into weight and bias over several freezing binary_folding rounds
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(4, 6, kernel_size=3, padding=1, bias=True)

    def forward(self, x):
        y = self.conv(x) / 2.5
        y = y - 0.75
        return torch.sigmoid(y)


def make_inputs():
    return (torch.randn(2, 4, 9, 9),)
