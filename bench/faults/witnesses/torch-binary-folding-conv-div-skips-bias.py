# target: torch-inductor
# optimization: binary_folding.folded_op
# origin: fault-witness
# parent: -
# mode: inference
# config: freezing=True
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, kernel_size=3, bias=True)

    def forward(self, x):
        return self.conv(x) / 4.0


def make_inputs():
    return (torch.randn(1, 3, 8, 8),)
