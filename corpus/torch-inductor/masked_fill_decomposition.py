# target: torch-inductor
# optimization: masked_fill_decomposition
# origin: seed
# parent: -
# mode: inference
# description: masked_fill with a computed boolean mask is decomposed by the _refs masked_fill reference into a where() fused with its producers
import torch


class Model(torch.nn.Module):
    def forward(self, x, y):
        mask = (x > 0.5) | (y < -1.0)
        z = x.masked_fill(mask, -2.0)
        return torch.where(z > 0, z * y, z.exp())


def make_inputs():
    return (torch.randn(8, 16), torch.randn(8, 16))
