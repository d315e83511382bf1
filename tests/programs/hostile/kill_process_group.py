# target: torch-inductor
# description: hostile: sends SIGKILL to its own process group
import os

import torch


def attempt():
    import signal

    os.killpg(0, signal.SIGKILL)
    return "killpg returned"


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
