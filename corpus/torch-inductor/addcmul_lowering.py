# target: torch-inductor
# optimization: addcmul_lowering
# origin: seed
# parent: -
# mode: inference
# description: torch.addcmul (not decomposed by Inductor's table) is lowered directly by lowering.addcmul into one fused pointwise kernel
import torch


class Model(torch.nn.Module):
    def forward(self, a, b, c):
        y = torch.addcmul(a, b.sin(), c, value=0.5)
        return torch.addcmul(y, y, a, value=-0.25)


def make_inputs():
    return (torch.randn(6, 16), torch.randn(6, 16), torch.randn(6, 16))
