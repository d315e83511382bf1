# target: torch-inductor
# optimization: numpy_compat_normalization
# origin: seed
# parent: -
# mode: inference
# description: NumPy-style keyword names (axis=, keepdims=, x1=/x2=) in torch calls are renamed to torch kwargs by the pre-grad numpy_compat_normalization pass
import torch


class Model(torch.nn.Module):
    def forward(self, x, y):
        s = torch.sum(x, axis=1, keepdims=True)
        m = torch.amax(y, axis=0, keepdims=True)
        return torch.add(s, m) * torch.mean(x, axis=0)


def make_inputs():
    return (torch.randn(6, 8), torch.randn(6, 8))
