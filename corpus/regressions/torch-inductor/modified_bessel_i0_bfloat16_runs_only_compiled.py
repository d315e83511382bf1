# target: torch-inductor
# optimization: lowering.aten.special_modified_bessel_i0
# origin: mutate:dtypes
# parent: -
# mode: inference
# expect: bug
# symptom: status
# match: not implemented for 'BFloat16'
# oracle: values
# confirmed: torch 2.13.0+cpu
# issue: -
# description: eager's special_modified_bessel_i0 has no bfloat16 kernel on CPU and raises NotImplementedError, while Inductor's lowering computes it: a compiled program runs where eager refuses (a status discrepancy, of low value: ranked after wrong values and crashes) (found by a dtype mutant of an OpInfo bundle in fault-benchmark campaigns on unpatched torch, minimized by triage)
import torch


def fn(x):
    return torch.special.modified_bessel_i0(x)


def make_inputs():
    return (torch.randn(4, dtype=torch.bfloat16),)
