# target: torch-inductor
# optimization: batch_linear_fusion
# origin: seed
# parent: -
# mode: inference
# config: pre_grad_fusion_options={'batch_linear': {}}
# description: five independent same-shaped F.linear calls on 2-D inputs are fused into one batched (b)addbmm by the pre-grad group_batch_fusion batch_linear
import torch
import torch.nn.functional as F


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.weights = torch.nn.ParameterList([torch.nn.Parameter(torch.randn(6, 8) * 0.3) for _ in range(5)])
        self.biases = torch.nn.ParameterList([torch.nn.Parameter(torch.randn(6) * 0.1) for _ in range(5)])

    def forward(self, x):
        outs = [F.linear(x[i], self.weights[i], self.biases[i]) for i in range(5)]
        return torch.stack(outs).relu()


def make_inputs():
    return (torch.randn(5, 4, 8),)
