# target: torch-inductor
# optimization: lowering.aten.avg_pool2d_backward
# origin: opinfo
# parent: -
# mode: training
# expect: bug
# symptom: crash
# match: AssertionError
# oracle: grads
# confirmed: torch 2.13.0+cpu
# issue: -
# description: aten.avg_pool2d takes one-element kernel_size, stride and padding lists (int[2] repeats a single value; eager runs them and Inductor's forward lowering pads them out), but Inductor's avg_pool2d_backward lowering asserts len(kernel_size) == 2 (and the same for stride and padding), so the backward of torch.ops.aten.avg_pool2d.default(x, [3], [1], [0, 1]) fails to compile (LoweringException: AssertionError) where eager computes the gradient; F.avg_pool2d normalizes to pairs and is not affected (found by a fault campaign's minimizer from an OpInfo call, judged by the gradient oracle)
import torch


def fn(x0):
    return torch.ops.aten.avg_pool2d.default(x0, [3], [1], [0, 1], True, False)


def make_inputs():
    return (torch.randn(2, 6, 3),)
