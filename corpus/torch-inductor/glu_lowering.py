# target: torch-inductor
# optimization: glu_lowering
# origin: seed
# parent: -
# mode: inference
# description: F.glu is excluded from the decomposition table and lowered by lowering.glu into slice * sigmoid(slice) pointwise code
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(8, 32)

    def forward(self, x):
        return F.glu(self.proj(x), dim=-1)


def make_inputs():
    return (torch.randn(4, 6, 8),)
