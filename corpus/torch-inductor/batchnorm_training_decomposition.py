# target: torch-inductor
# optimization: batchnorm_training_decomposition
# origin: seed
# parent: -
# mode: training
# description: train-mode BatchNorm2d with grad enabled is functionalized and decomposed by _native_batch_norm_legit_functional (batch stats plus running-stat update)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 6, kernel_size=3, padding=1)
        self.bn = torch.nn.BatchNorm2d(6)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


def make_inputs():
    return (torch.randn(4, 3, 8, 8),)
