# target: torch-inductor
# optimization: precision_cast
# origin: test
# parent: -
# description: a float16 conv + gelu inside a float32 program (the referee must not round like eager)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(4, 8, 3, padding=1).half()

    def forward(self, x):
        return torch.nn.functional.gelu(self.conv(x.half())).float().relu() * 3.0


def make_inputs():
    return (torch.randn(2, 4, 6, 6),)
