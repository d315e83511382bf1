# target: torch-inductor
# optimization: inplace_input_mutation
# origin: seed
# parent: -
# mode: inference
# description: mul_/add_ on a graph input are functionalized and written back with copy_, which lowering.copy_ turns into a mutation of the input buffer
import torch


class Model(torch.nn.Module):
    def forward(self, x, y):
        x.mul_(2.0).add_(y)
        z = y.clone()
        z.mul_(x.sigmoid())
        return z


def make_inputs():
    return (torch.randn(6, 10), torch.randn(6, 10))
