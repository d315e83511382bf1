# target: torch-inductor
# optimization: mkldnn_fusion.binary_fusion
# origin: fault-witness
# parent: -
# mode: inference
# config: freezing=True
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, kernel_size=3, padding=1)

    def forward(self, x, y):
        return torch.add(self.conv(x), y, alpha=2.0)


def make_inputs():
    return (torch.randn(1, 3, 8, 8), torch.randn(1, 4, 8, 8))
