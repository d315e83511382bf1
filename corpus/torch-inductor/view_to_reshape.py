# target: torch-inductor
# optimization: view_to_reshape
# origin: seed
# parent: -
# mode: inference
# description: aten.view nodes (flatten/unflatten of an intermediate) are rewritten to aten.reshape by post_grad.view_to_reshape before lowering
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        y = (x + 1.0).view(4, 2, 16)
        z = y.transpose(1, 2).contiguous().view(4, 32)
        return z.sum(dim=1, keepdim=True) * z


def make_inputs():
    return (torch.randn(4, 32),)
