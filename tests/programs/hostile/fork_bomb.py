# target: torch-inductor
# description: hostile: forks until the system refuses
import os

import torch


def attempt():
    import time

    children = 0
    try:
        while children < 100_000:
            if os.fork() == 0:
                time.sleep(3600)
                os._exit(0)
            children += 1
    finally:
        print(f"FORKED {children}", flush=True)
    return f"forked {children} children"


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
