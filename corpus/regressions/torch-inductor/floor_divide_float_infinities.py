# target: torch-inductor
# optimization: decomposition.aten.floor_divide
# origin: campaign
# parent: -
# mode: inference
# expect: bug
# symptom: wrong_value
# oracle: values
# confirmed: torch 2.13.0+cpu
# issue: -
# description: Inductor's float floor division differs from eager's at infinities on CPU: a finite x // -inf is -1 eagerly (Python's rule) but -0.0 compiled, and inf // 1 is nan eagerly but inf compiled; finite operands agree (found on an input draw of the values oracle by an OpInfo bundle of a fault campaign on unpatched torch, minimized by hand)
import torch


def fn(x, y):
    return torch.ops.aten.floor_divide.default(x, y)


def make_inputs():
    x = torch.tensor([7.0, 0.5, 3.0, -2.0])
    y = torch.tensor([float("-inf"), float("-inf"), 2.0, 3.0])
    return (x, y)
