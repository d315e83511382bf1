# target: torch-inductor
# optimization: batch_aten_add_fusion
# origin: seed
# parent: -
# mode: inference
# config: post_grad_fusion_options={'batch_aten_add': {}}
# description: five independent same-shaped tensor-tensor aten.add nodes are stacked into one batched add by the post-grad group_batch_fusion batch_aten_add
import torch


class Model(torch.nn.Module):
    def forward(self, a, b, c, d, e, f):
        return (
            torch.add(a.sin(), f),
            torch.add(b.cos(), f),
            torch.add(c.exp(), f),
            torch.add(d.tanh(), f),
            torch.add(e.sigmoid(), f),
        )


def make_inputs():
    return tuple(torch.randn(4, 8) for _ in range(6))
