# target: torch-inductor
# optimization: binary_folding.folded_op
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# expect: bug
# symptom: crash
# match: The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0
# confirmed: torch 2.13.0+cpu
# issue: -
# description: freezing's binary folding (fx_passes/binary_folding.py) folds a scalar div (also mul, add) after a ConvTranspose2d with bias into the conv, sized by weight.size(0), which is in_channels for a transposed conv (the transposed flag is not checked): the bias (out_channels) mismatches and the compile fails when in_channels != out_channels (first found as ConvTranspose2d, a transpose pair and / 0.0)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.deconv = torch.nn.ConvTranspose2d(2, 3, 1)

    def forward(self, x):
        return self.deconv(x) / 2.0


def make_inputs():
    return (torch.randn(1, 2, 1, 1),)
