# target: torch-inductor
# optimization: -
# origin: test
# parent: -
# mode: inference
# description: LayerNorm of rows v_j - v_i (equal rows in exact arithmetic), then batch statistics
# BatchNorm1d (train mode) normalizes each column over rows that differ only by rounding: the
# float64 gradient's rms is 3e-13 while one rounding per op moves it by 250 in bfloat16.  No
# digit of it is significant, so eager and compiled cannot be compared.
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.norm0 = torch.nn.LayerNorm(15)
        self.bn0 = torch.nn.BatchNorm1d(15)

    def forward(self, x0, x1):
        v0 = torch.matmul(x0, x1)
        return self.bn0(self.norm0(torch.flatten(v0) - v0))


def make_inputs():
    return (torch.randn(15, 2, dtype=torch.bfloat16), torch.randn(2, 1, dtype=torch.bfloat16))
