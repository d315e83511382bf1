# target: torch-inductor
# description: hostile: attaches ptrace to its parent and to pid 1
import os

import torch


def attempt():
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    PTRACE_ATTACH = 16
    results = []
    for pid in (os.getppid(), 1):
        code = libc.ptrace(PTRACE_ATTACH, pid, None, None)
        results.append((pid, code, os.strerror(ctypes.get_errno())))
    return f"{results}"


try:
    RESULT = attempt()
except BaseException as error:  # what stopped it is the result
    RESULT = f"stopped: {type(error).__name__}: {error}"
print(f"HOSTILE RESULT: {RESULT}", flush=True)
raise RuntimeError("hostile program done")


class Model(torch.nn.Module):
    def forward(self, x):
        return x * 2


def make_inputs():
    return (torch.randn(2),)
