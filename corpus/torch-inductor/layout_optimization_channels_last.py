# target: torch-inductor
# optimization: layout_optimization_channels_last
# origin: seed
# parent: -
# mode: inference
# description: a graph with convolutions on an mkldnn CPU makes GraphLowering.decide_layout_opt choose channels-last layouts for conv inputs and outputs
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, kernel_size=3, padding=1)
        self.conv2 = torch.nn.Conv2d(8, 8, kernel_size=3, padding=1, groups=2)

    def forward(self, x):
        y = torch.relu(self.conv1(x))
        y = self.conv2(y) + y
        return y.mean(dim=(2, 3))


def make_inputs():
    return (torch.randn(2, 3, 12, 12),)
