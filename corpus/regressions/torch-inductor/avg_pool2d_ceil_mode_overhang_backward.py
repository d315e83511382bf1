# target: torch-inductor
# optimization: lowering.aten.avg_pool2d
# origin: campaign
# parent: -
# mode: inference
# expect: bug
# symptom: wrong_gradient
# match: compiled-reverse: grad[input[0]]
# oracle: grads
# confirmed: torch 2.13.0+cpu
# issue: -
# description: the Inductor-compiled backward of avg_pool2d with ceil_mode=True, where ceil mode adds an output window that overhangs the padded input (kernel 3, stride 2, padding 1 on a width of 4), gives a wrong input gradient on CPU (max abs error ~0.2; eager matches float64); the forward is right, and ceil_mode=False is right (found by an OpInfo bundle of a fault campaign on unpatched torch with kernel [1, 6], stride [1, 3], padding [0, 2], minimized by hand)
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.nn.functional.avg_pool2d(x, (1, 3), stride=(1, 2), padding=(0, 1), ceil_mode=True)


def make_inputs():
    return (torch.randn(2, 3, 4, 4),)
