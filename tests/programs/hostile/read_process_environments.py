# target: torch-inductor
# description: hostile: reads /proc/*/environ and /proc/*/cmdline of every process it can see
import os

import torch


def attempt():
    seen = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                seen[pid] = handle.read()[:80]
            with open(f"/proc/{pid}/environ", "rb") as handle:
                print("ENVIRON", pid, handle.read())
        except OSError:
            pass
    return f"sees processes {seen}"


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
