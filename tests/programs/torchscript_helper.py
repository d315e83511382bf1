# target: torch-inductor
# description: builds its inputs with a TorchScript function, which reads its own source file
import torch


@torch.jit.script
def scaled(x: torch.Tensor) -> torch.Tensor:
    return x * 2.0 + 1.0


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.relu(x) + 1.0


def make_inputs():
    return (scaled(torch.randn(4)),)
