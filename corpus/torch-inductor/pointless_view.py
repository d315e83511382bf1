# target: torch-inductor
# optimization: pointless_view
# origin: seed
# parent: -
# mode: inference
# description: a view whose size (with one -1) equals the input shape survives remove_noop_ops and is erased by joint_graph.pointless_view
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        y = x.sin() * 1.5
        z = y.view(2, -1, 8)
        return z.cos() + z.sum(dim=1, keepdim=True)


def make_inputs():
    return (torch.randn(2, 4, 8),)
