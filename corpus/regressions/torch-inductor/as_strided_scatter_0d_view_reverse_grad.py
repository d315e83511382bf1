# target: torch-inductor
# optimization: lowering.aten.as_strided_scatter
# origin: opinfo
# parent: -
# mode: inference
# expect: bug
# symptom: wrong_gradient
# match: forward agrees with the central difference, reverse does not
# oracle: grads
# confirmed: torch 2.13.0+cpu
# issue: -
# description: eager autograd (no compiler involved): as_strided_scatter(x, src, size=[], stride=[], storage_offset=0) on a one-element x overwrites all of x with the 0-d src, so d out/d x is 0, and forward mode and central differences say so; reverse mode's AsStridedScatterBackward0 passes the cotangent through to x (gradient 1), and gradcheck fails; PyTorch's own OpInfo for as_strided_scatter expects its gradcheck to fail (expectedFailure on TestBwdGradients.test_fn_grad and TestFwdGradients.test_forward_mode_AD), so the bug is known upstream (found by a campaign from the call an OpInfo sample makes; such calls are now judged on values only)
import torch


def fn(x0, x1):
    return torch.ops.aten.as_strided_scatter.default(x0, x1, [], [], 0)


def make_inputs():
    return (torch.randn(1), torch.randn(()))
