# target: torch-inductor
# optimization: lowering.div_mode
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x, y):
        return torch.div(x * 10.0, y.abs() + 1.0, rounding_mode="floor")


def make_inputs():
    return (torch.randn(4, 8), torch.randn(4, 8))
