# target: torch-inductor
# optimization: mkldnn_fusion.leaky_relu
# origin: fault-witness
# parent: -
# mode: inference
# config: freezing=True
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, kernel_size=3)

    def forward(self, x):
        return torch.nn.functional.leaky_relu(self.conv(x), negative_slope=-0.2)


def make_inputs():
    return (torch.randn(1, 3, 8, 8),)
