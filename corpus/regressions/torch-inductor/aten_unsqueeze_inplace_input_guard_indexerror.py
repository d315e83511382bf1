# target: torch-inductor
# optimization: lowering.aten.unsqueeze_
# origin: opinfo
# parent: -
# mode: inference
# expect: bug
# symptom: crash
# match: IndexError
# oracle: values
# confirmed: torch 2.13.0+cpu
# issue: -
# description: torch.compile (aot_eager and inductor alike) of a function that calls the in-place view op torch.ops.aten.unsqueeze_.default on its input fails in Dynamo's shape-env guard creation with "IndexError: list index out of range" (track_symint indexes the input's recorded sizes, one fewer than the rank unsqueeze_ gave it); eager runs it, and x.unsqueeze_(0) compiles. Found through a bundle of OpInfo calls
import torch


def fn(x0):
    return torch.ops.aten.unsqueeze_.default(x0, 0)


def make_inputs():
    return (torch.randn(1),)
