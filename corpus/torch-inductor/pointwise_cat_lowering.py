# target: torch-inductor
# optimization: pointwise_cat_lowering
# origin: seed
# parent: -
# mode: inference
# config: force_pointwise_cat=True
# description: cat of unrealized pointwise inputs is lowered as a masked pointwise cat (lowering.pointwise_cat) instead of a ConcatKernel; CPU needs force_pointwise_cat
import torch


class Model(torch.nn.Module):
    def forward(self, a, b):
        c = torch.cat([a.sin(), b.cos(), a * b], dim=1)
        return c.relu() + 1.0


def make_inputs():
    return (torch.randn(8, 12), torch.randn(8, 12))
