# target: torch-inductor
# optimization: cumsum_lowering
# origin: seed
# parent: -
# mode: inference
# description: torch.cumsum of computed tensors is lowered by lowering.cumsum, which tries an ir.Scan and, as the cpp backend has no scan support, falls back to the aten cumsum kernel
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.cumsum(x.sigmoid(), dim=1) * 0.1 + torch.cumsum(x, dim=0)


def make_inputs():
    return (torch.randn(8, 24),)
