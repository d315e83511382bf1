# target: torch-inductor
# optimization: cat_splitwithsizes_elimination
# origin: seed
# parent: -
# mode: inference
# description: cat followed by split_with_sizes with the same sizes on the same dim returns the cat inputs directly (post_grad.cat_splitwithsizes_replace)
import torch


class Model(torch.nn.Module):
    def forward(self, a, b, c):
        cat = torch.cat([a.sin(), b.cos(), c.tanh()], dim=1)
        p, q, r = torch.split(cat, [3, 4, 5], dim=1)
        return p * 2.0, q + 1.0, r.relu()


def make_inputs():
    return (torch.randn(4, 3), torch.randn(4, 4), torch.randn(4, 5))
