# target: torch-inductor
# optimization: batch_tanh_fusion
# origin: seed
# parent: -
# mode: inference
# config: pre_grad_fusion_options={'batch_tanh': {}}
# description: five independent torch.tanh calls on same-shaped tensors are batched into one stack/tanh/unbind by the pre-grad group_batch_fusion batch_tanh
import torch


class Model(torch.nn.Module):
    def forward(self, a, b, c, d, e):
        return (
            torch.tanh(a * 1.1),
            torch.tanh(b + 0.2),
            torch.tanh(c - 0.3),
            torch.tanh(d * 0.7),
            torch.tanh(e / 1.5),
        )


def make_inputs():
    return tuple(torch.randn(4, 8) for _ in range(5))
