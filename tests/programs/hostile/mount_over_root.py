# target: torch-inductor
# description: hostile: mounts a tmpfs over / and over torch's directory
import os

import torch


def attempt():
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    results = []
    for target in (b"/", os.path.dirname(torch.__file__).encode()):
        code = libc.mount(b"tmpfs", target, b"tmpfs", 0, None)
        results.append((target, code, os.strerror(ctypes.get_errno())))
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
