# target: torch-inductor
# description: hostile: sends SIGKILL to its parent
import os

import torch


def attempt():
    import signal

    parent = os.getppid()
    os.kill(parent, signal.SIGKILL)
    return f"sent SIGKILL to parent {parent}; still alive"


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
