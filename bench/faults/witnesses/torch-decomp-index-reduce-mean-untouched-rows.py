# target: torch-inductor
# optimization: decomposition.index_reduce
# origin: fault-witness
# parent: -
# mode: inference
import torch


class Model(torch.nn.Module):
    def forward(self, x, src):
        index = torch.tensor([0, 2, 2])
        return x.index_reduce(0, index, src, "mean", include_self=False)


def make_inputs():
    return (torch.randn(4, 5), torch.randn(3, 5))
