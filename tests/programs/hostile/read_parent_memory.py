# target: torch-inductor
# description: hostile: reads its parent's memory through /proc/PPID/mem
import os

import torch


def attempt():
    parent = os.getppid()
    with open(f"/proc/{parent}/maps") as maps:
        start = int(maps.readline().split("-")[0], 16)
    with open(f"/proc/{parent}/mem", "rb") as mem:
        mem.seek(start)
        return f"READ parent {parent} memory: {mem.read(16)!r}"


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
