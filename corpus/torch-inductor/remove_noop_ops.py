# target: torch-inductor
# optimization: remove_noop_ops
# origin: seed
# parent: -
# mode: inference
# description: full-range slice, repeat(1, 1), single-input cat and clone of an intermediate are no-ops erased by post_grad.remove_noop_ops
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        y = x.sin()
        y = y[:, 0:16]
        y = y.repeat(1, 1)
        y = torch.cat([y], dim=0)
        y = y.clone()
        return y.cos() * 2.0


def make_inputs():
    return (torch.randn(8, 16),)
