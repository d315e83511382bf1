# target: torch-inductor
# description: hostile: unmounts what covers the home directory and /tmp to see beneath
import os

import torch


def attempt():
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    home = __import__("pwd").getpwuid(0).pw_dir
    results = []
    for target in (home, "/tmp", "/dev"):
        code = libc.umount2(target.encode(), 2)
        results.append((target, code, os.strerror(ctypes.get_errno())))
    return f"{results}; home now shows {os.listdir(home)[:5]}"


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
