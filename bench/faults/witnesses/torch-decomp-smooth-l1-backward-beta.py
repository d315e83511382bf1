# target: torch-inductor
# optimization: decomposition.smooth_l1_loss_backward
# origin: fault-witness
# parent: -
# mode: training
import torch


class Model(torch.nn.Module):
    def forward(self, x, y):
        return torch.nn.functional.smooth_l1_loss(x, y, beta=2.0)


def make_inputs():
    return (torch.randn(4, 8), torch.randn(4, 8))
