# target: torch-inductor
# optimization: cat_slice_cat
# origin: seed
# parent: -
# mode: inference
# description: cat([cat([a, b], 1), cat([a, b], 1)[:, :k]], 1) is folded into a single cat by the post_grad.cat_slice_cat lowering pattern
import torch


class Model(torch.nn.Module):
    def forward(self, a, b):
        c = torch.cat([a.relu(), b.sigmoid()], dim=1)
        d = torch.cat([c, c[:, :5]], dim=1)
        return d * 2.0


def make_inputs():
    return (torch.randn(4, 6), torch.randn(4, 10))
