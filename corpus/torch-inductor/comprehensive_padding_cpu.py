# target: torch-inductor
# optimization: comprehensive_padding_cpu
# origin: seed
# parent: -
# mode: inference
# config: comprehensive_padding=True, disable_padding_cpu=False
# description: with CPU padding enabled, an intermediate with row stride 1030 (> padding_stride_threshold, not 32-aligned) gets padded strides in Layout._pad_strides
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(1030, 6) * 0.05)

    def forward(self, x):
        h = torch.exp(x * 0.1)
        return torch.mm(h, self.weight) + h.sum(dim=1, keepdim=True) * 1e-3


def make_inputs():
    return (torch.randn(4, 1030),)
