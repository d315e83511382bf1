# target: torch-inductor
# optimization: lerp_decomposition
# origin: seed
# parent: -
# mode: inference
# description: torch.lerp with a Python-scalar weight goes through Inductor's _lerp_scalar decomposition (sub + add with alpha, eager-matching dual formula)
import torch


class Model(torch.nn.Module):
    def forward(self, start, end):
        a = torch.lerp(start, end, 0.3)
        b = torch.lerp(start, end.cos(), 0.8)
        return a * b


def make_inputs():
    return (torch.randn(8, 12), torch.randn(8, 12))
