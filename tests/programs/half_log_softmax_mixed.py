# target: torch-inductor
# optimization: precision_cast
# origin: test
# parent: -
# description: a float16 log_softmax cast to float32, times a float32 input (mixed dtypes inside)
import torch


class Model(torch.nn.Module):
    def forward(self, x, y):
        return torch.nn.functional.log_softmax(x.to(torch.float16), dim=-1).float() * y


def make_inputs():
    return (torch.randn(16, 64) * 4, torch.randn(16, 64))
