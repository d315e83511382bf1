# target: torch-inductor
# optimization: decomposition.aten.sqrt_
# origin: opinfo
# parent: -
# mode: inference
# expect: bug
# symptom: crash
# match: expected Tensor() for op: input
# oracle: grads
# confirmed: torch 2.13.0+cpu
# issue: -
# description: the compiled backward (Inductor) of a function that returns an input three times around an in-place aten.sqrt_ of it, beside an elu and an in-place bitwise_or_ of two 0-d bool inputs, raises TypeError "expected Tensor() for op: input" inside Inductor's generated backward module (its call), where eager autograd differentiates it; smaller variants (without the bool in-place op or the elu) compile and agree (found by a 30-minute campaign from a bundle of OpInfo calls, minimized by triage; plain torch.compile + autograd.grad reproduces it)
import torch


def fn(x0, x1, x2, x3, x4, x5, x6, x7):
    return (
        x0,
        torch.ops.aten.sqrt_.default(x0),
        x0,
        x0,
        torch.ops.aten.elu.default(x5, 1.0),
        torch.ops.aten.bitwise_or_.Tensor(x6, x7),
    )


def make_inputs():
    return (
        torch.randn(20),
        torch.rand(5) * 132.7905,
        torch.randn(()),
        torch.rand(()) * 3.6231,
        torch.randn(5, 5),
        torch.randn(20),
        torch.tensor(False, dtype=torch.bool),
        torch.tensor(False, dtype=torch.bool),
    )
