# target: torch-inductor
# optimization: lowering.aten.squeeze_
# origin: opinfo
# parent: -
# mode: inference
# expect: bug
# symptom: wrong_value
# match: wrong_value at verification
# oracle: values
# confirmed: torch 2.13.0+cpu
# issue: -
# description: torch.compile (aot_eager and inductor alike) of a function that mutates one input in place (fill_, mul_) and calls the in-place view op torch.ops.aten.squeeze_.dim on another returns the wrong tensors: here out[0], x * 2, comes back as x after its fill_ (all ones), and without the first output the squeeze_ result comes back as x (shape (3,) instead of (5, 5)); eager is right, and y.squeeze_(-1) (the method) compiles right. The same family as aten_unsqueeze_inplace_input_guard_indexerror.py (the direct aten overload of an in-place view op on an input). Found in a fault-benchmark campaign on unpatched torch (m10-never, torch-split-cat-normalize-negative-split-dim, cluster d0d702d5d1: a bundle of OpInfo calls special_log_ndtr, fill_, squeeze_), confirmed with plain torch.compile
import torch


def fn(x, y):
    return x * 2, torch.ops.aten.fill_.Scalar(x, 1), torch.ops.aten.squeeze_.dim(y, -1)


def make_inputs():
    return (torch.randn(3), torch.randn(5, 5, 1))
