# target: torch-inductor
# optimization: lowering.avg_pool2d
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.nn.functional.avg_pool2d(x, kernel_size=3, stride=2, padding=1, count_include_pad=False)


def make_inputs():
    return (torch.randn(1, 2, 7, 7),)
