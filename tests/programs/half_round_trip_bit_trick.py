# target: torch-inductor
# optimization: precision_cast
# origin: test
# parent: -
# description: an fp16 round trip fusion may elide, in a program with a float32 bit trick (no fp64 run)
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        y = (x * 1000.0 + 0.1234567).half().float()
        magnitude = (x.view(torch.int32) & 0x7FFFFFFF).view(torch.float32)  # |x|, float32 only
        return y - x * 1000.0 + magnitude


def make_inputs():
    return (torch.randn(64, 64),)
