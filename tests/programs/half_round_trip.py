# target: torch-inductor
# optimization: precision_cast
# origin: test
# parent: -
# description: an fp16 round trip in the middle of fp32 math, which fusion may elide
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        y = (x * 1000.0 + 0.1234567).half().float()
        return y - x * 1000.0


def make_inputs():
    return (torch.randn(64, 64),)
