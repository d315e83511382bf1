# target: torch-inductor
# optimization: mkldnn_fusion.convolution
# origin: seed
# parent: -
# mode: inference
# config: freezing=True
# expect: bug
# symptom: crash
# match: itensor_view_from_dense expects float/bfloat16/half/int8/fp8 tensor input
# confirmed: torch 2.13.0+cpu
# issue: -
# description: under freezing, Inductor packs a float64 Conv2d's weight with mkldnn._reorder_convolution_weight, which oneDNN cannot take for Double: the compile fails (without freezing the program passes)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 1, 1, bias=False).double()

    def forward(self, x):
        return self.conv(x)


def make_inputs():
    return (torch.randn(1, 1, 1, 1, dtype=torch.float64),)
