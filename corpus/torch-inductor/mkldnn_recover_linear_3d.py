# target: torch-inductor
# optimization: mkldnn_recover_linear_3d
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# description: bf16 Linear on a 3-D input lowers to reshape+addmm+reshape; after mkldnn weight packing _recover_linear folds it back into one 3-D linear
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(16, 12).to(torch.bfloat16)

    def forward(self, x):
        return self.linear(x)


def make_inputs():
    return (torch.randn(2, 5, 16, dtype=torch.bfloat16),)
