# target: torch-inductor
# optimization: einsum_to_pointwise
# origin: seed
# parent: -
# mode: inference
# config: pre_grad_fusion_options={'einsum_to_pointwise_pass': {}}
# description: einsum "bij,bijk->bik" followed by an add is replaced with (x.unsqueeze(-1) * w).sum(-2) by the pre-grad einsum_to_pointwise_pass
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.bias = torch.nn.Parameter(torch.randn(4, 6) * 0.1)

    def forward(self, x, w):
        return torch.einsum("bij,bijk->bik", x, w) + self.bias


def make_inputs():
    return (torch.randn(3, 4, 5), torch.randn(3, 4, 5, 6))
