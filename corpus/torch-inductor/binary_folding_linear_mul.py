# target: torch-inductor
# optimization: binary_folding_linear_mul
# origin: seed
# parent: -
# mode: inference
# config: freezing=True, enable_linear_binary_folding=True
# description: nn.Linear (addmm) output multiplied by a constant per-feature buffer is folded into the frozen weight and bias by binary_folding (linear folding is opt-in via enable_linear_binary_folding)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(16, 12)
        self.register_buffer("gain", torch.rand(12) + 0.5)

    def forward(self, x):
        return torch.relu(self.linear(x) * self.gain)


def make_inputs():
    return (torch.randn(8, 16),)
