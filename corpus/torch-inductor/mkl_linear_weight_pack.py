# target: torch-inductor
# optimization: mkl_linear_weight_pack
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: under freezing an fp32 addmm with a constant weight is prepacked by the mkldnn_fusion linear weight-pack pattern (mkl._mkl_linear on MKL builds)
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(16, 32)
        self.fc2 = torch.nn.Linear(32, 8)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def make_inputs():
    return (torch.randn(8, 16),)
