# target: torch-inductor
# optimization: -
# origin: test
# parent: -
# description: |x| through two bias-free convs: a second derivative autograd knows is zero (a ZeroTensor)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv0 = torch.nn.Conv2d(3, 5, kernel_size=1, stride=2, bias=False)
        self.conv1 = torch.nn.Conv2d(5, 8, kernel_size=1, stride=2, bias=False)

    def forward(self, x):
        return self.conv1(self.conv0(torch.abs(x))).transpose(0, 3)


def make_inputs():
    return (torch.randn(8, 3, 1, 7),)
