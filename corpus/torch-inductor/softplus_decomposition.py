# target: torch-inductor
# optimization: softplus_decomposition
# origin: seed
# parent: -
# mode: inference
# description: F.softplus with beta and threshold is decomposed by the _refs softplus reference (where(x*beta > threshold, x, log1p(exp(x*beta))/beta))
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def forward(self, x):
        return F.softplus(x * 3.0, beta=2.0, threshold=5.0) - F.softplus(x)


def make_inputs():
    return (torch.randn(8, 16),)
