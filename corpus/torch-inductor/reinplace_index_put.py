# target: torch-inductor
# optimization: reinplace_index_put
# origin: seed
# parent: -
# mode: inference
# description: index_put_ on an intermediate (sin(x), no other users) is functionalized to index_put, which post_grad reinplace_inplaceable_ops turns back into the in-place index_put_
import torch


class Model(torch.nn.Module):
    def forward(self, x, idx, vals):
        y = torch.sin(x)
        y.index_put_((idx,), vals, accumulate=True)
        return y * 2.0


def make_inputs():
    return (torch.randn(16, 8), torch.randperm(16)[:5], torch.randn(5, 8))
