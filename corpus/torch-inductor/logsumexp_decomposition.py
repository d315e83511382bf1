# target: torch-inductor
# optimization: logsumexp_decomposition
# origin: seed
# parent: -
# mode: inference
# description: torch.logsumexp is decomposed by the _refs logsumexp reference (amax, masked_fill of inf maxes, sum(exp(x - max)).log() + max)
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.logsumexp(x * 2.0, dim=-1, keepdim=True) - x.logsumexp(dim=1)[:, None]


def make_inputs():
    return (torch.randn(8, 32),)
