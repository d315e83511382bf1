# target: torch-inductor
# optimization: relu_fusion
# origin: test
# parent: -
# description: a linear layer followed by ReLU; Inductor generates the ReLU in C++
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(16, 8)

    def forward(self, x):
        return torch.relu(self.linear(x)) * 2.0


def make_inputs():
    return (torch.randn(4, 16),)
