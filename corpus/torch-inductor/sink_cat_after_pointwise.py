# target: torch-inductor
# optimization: sink_cat_after_pointwise
# origin: seed
# parent: -
# mode: inference
# description: relu/tanh applied to a cat (through a view) is pushed onto each cat input by the pre-grad sink_cat_after_pointwise pass
import torch


class Model(torch.nn.Module):
    def forward(self, a, b):
        c = torch.cat([a * 2.0, b - 1.0], dim=1)
        return torch.tanh(c.view(4, 2, 10))


def make_inputs():
    return (torch.randn(4, 8), torch.randn(4, 12))
