# target: torch-inductor
# optimization: decomposition.aten.upsample_trilinear3d
# origin: opinfo
# parent: -
# mode: training
# compile: dynamic=True
# expect: bug
# symptom: crash
# match: Expected IntList but got GenericList
# oracle: grads
# confirmed: torch 2.13.0+cpu
# issue: -
# description: torch.compile(dynamic=True) of aten.upsample_trilinear3d (align_corners True or False) runs forward, and its backward fails to compile: BackendCompilerFailed, RuntimeError: isIntList() INTERNAL ASSERT FAILED (ivalue_inl.h) "Expected IntList but got GenericList" while fake-tensor dispatch calls upsample_trilinear3d_backward with symbolic sizes; static shapes compile and agree with eager (found by a 30-minute campaign from the call an OpInfo sample makes, judged by the gradient oracle's compiled reverse mode)
import torch


def fn(x0):
    return torch.ops.aten.upsample_trilinear3d.default(x0, [5, 5, 5], True)


def make_inputs():
    return (torch.randn(2, 3, 4, 4, 4),)
