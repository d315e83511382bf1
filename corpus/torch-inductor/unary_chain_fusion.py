# target: torch-inductor
# optimization: unary_chain_fusion
# origin: seed
# parent: -
# mode: inference
# description: a long chain of unary pointwise ops (sin, exp, tanh, sigmoid, abs, sqrt, log1p, neg, cos) is vertically fused by the scheduler into one generated cpp kernel
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        y = torch.sin(x)
        y = torch.exp(y)
        y = torch.tanh(y)
        y = torch.sigmoid(y)
        y = torch.abs(y - 0.6)
        y = torch.sqrt(y + 1.0)
        y = torch.log1p(y)
        y = torch.neg(y)
        return torch.cos(y)


def make_inputs():
    return (torch.randn(16, 32),)
