# target: torch-inductor
# description: hostile: tries chroot and becoming root
import os

import torch


def attempt():
    results = []
    for name, call in (
        ("chroot", lambda: os.chroot("/")),
        ("setuid", lambda: os.setuid(0)),
        ("setgid", lambda: os.setgid(0)),
    ):
        try:
            call()
            results.append(f"{name}: SUCCEEDED")
        except OSError as error:
            results.append(f"{name}: {type(error).__name__}")
    return f"{results}; uid {os.getuid()}"


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
