# target: torch-inductor
# optimization: lowering.aten.fractional_max_pool3d
# origin: opinfo
# parent: -
# mode: inference
# expect: bug
# symptom: wrong_value
# match: wrong_value at verification
# oracle: values
# confirmed: torch 2.13.0+cpu
# issue: -
# description: Inductor's fractional_max_pool3d lowering, given explicit random samples in [0, 1), picks other windows than eager on CPU: kernel [2, 3, 4] to output [3, 3, 3] on a 7x6x7 volume is off by up to ~0.9 (kernel [2, 2, 2] too; output [2, 2, 2] agrees); plain torch.compile shows it (the 2d op's like reports, pytorch#173985, are open); found in an OpInfo bundle of every torch fault campaign of 2026-12-08 on unpatched torch, minimized by the returned-tuple ddmin
import torch


def fn(x, samples):
    return torch.ops.aten.fractional_max_pool3d.default(x, [2, 3, 4], [3, 3, 3], samples)


def make_inputs():
    return (torch.randn(1, 1, 7, 6, 7), torch.rand(1, 1, 3) * 0.915)
