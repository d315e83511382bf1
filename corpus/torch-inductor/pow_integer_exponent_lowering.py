# target: torch-inductor
# optimization: pow_integer_exponent_lowering
# origin: seed
# parent: -
# mode: inference
# description: pow with small integer exponents (3, 4, -2 on a value kept away from zero) is lowered by pow_recursive into repeated multiplies (and a reciprocal) instead of a pow call
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        y = x.abs() + 1.0
        return torch.pow(x, 3) * 0.1 + y**4 * 0.01 - torch.pow(y, -2)


def make_inputs():
    return (torch.randn(8, 16),)
