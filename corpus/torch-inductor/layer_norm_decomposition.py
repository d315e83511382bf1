# target: torch-inductor
# optimization: layer_norm_decomposition
# origin: seed
# parent: -
# mode: inference
# description: nn.LayerNorm (native_layer_norm) goes through Inductor's _native_layer_norm decomposition into var_mean + rsqrt pointwise code
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = torch.nn.LayerNorm(32)
        with torch.no_grad():
            self.norm.weight.copy_(torch.rand(32) + 0.5)
            self.norm.bias.copy_(torch.randn(32) * 0.1)

    def forward(self, x):
        return self.norm(x * 2.0 + 1.0)


def make_inputs():
    return (torch.randn(4, 8, 32),)
