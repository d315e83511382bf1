# target: torch-inductor
# optimization: freezing_conv_bn_folding
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: eval-mode BatchNorm2d after a conv decomposes to sub/mul/add with frozen statistics that binary_folding folds into the conv (conv-bn folding under freezing)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, kernel_size=3, padding=1, bias=False)
        self.bn = torch.nn.BatchNorm2d(8)
        with torch.no_grad():
            self.bn.running_mean.copy_(torch.randn(8) * 0.1)
            self.bn.running_var.copy_(torch.rand(8) + 0.5)
            self.bn.weight.copy_(torch.rand(8) + 0.5)
            self.bn.bias.copy_(torch.randn(8) * 0.1)
        self.eval()

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


def make_inputs():
    return (torch.randn(2, 3, 10, 10),)
