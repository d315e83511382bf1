# target: torch-inductor
# optimization: reinplace_input_slice_scatter
# origin: seed
# parent: -
# mode: inference
# description: add_ on a slice of a graph input is functionalized to slice_scatter + copy_ back; reinplace turns it into an in-place copy_ into the input slice (_decompose_scatter_mutating)
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        x[:, 2:6].add_(1.5)
        return x.sum(dim=1)


def make_inputs():
    return (torch.randn(8, 10),)
