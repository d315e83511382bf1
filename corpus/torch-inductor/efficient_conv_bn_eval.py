# target: torch-inductor
# optimization: efficient_conv_bn_eval
# origin: seed
# parent: -
# mode: training
# config: efficient_conv_bn_eval_fx_passes=True
# description: conv followed by an eval-mode BatchNorm while grad is enabled is replaced by efficient_conv_bn_eval (BN folded into the conv weight on the fly) in the pre-grad pass
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 6, kernel_size=3, padding=1)
        self.bn = torch.nn.BatchNorm2d(6)
        with torch.no_grad():
            self.bn.running_mean.copy_(torch.randn(6) * 0.1)
            self.bn.running_var.copy_(torch.rand(6) + 0.5)
        self.bn.eval()

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


def make_inputs():
    return (torch.randn(2, 3, 8, 8),)
