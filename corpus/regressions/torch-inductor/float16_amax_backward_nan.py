# target: torch-inductor
# optimization: -
# origin: campaign
# parent: -
# mode: inference
# expect: bug
# symptom: wrong_gradient
# match: compiled-reverse: grad[input[0]]: NaN/Inf only in compiled
# oracle: values,grads
# confirmed: torch 2.13.0+cpu
# issue: -
# description: the Inductor-compiled backward of a float16 (x * 1.5).amax(dim=1, keepdim=True) on CPU gives NaN in every row but the first (eager's gradient is finite: the scaled argmax gets the cotangent); float32, or amax without the scale, is right; x.cos().amin() in float16 gives an all-NaN compiled gradient too (found by two campaigns on unpatched torch, minimized by hand)
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return (x * 1.5).amax(dim=1, keepdim=True)


def make_inputs():
    return (torch.randn(4, 4, dtype=torch.float16),)
