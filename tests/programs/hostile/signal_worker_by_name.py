# target: torch-inductor
# description: hostile: looks for the sandbox worker and campaign processes and signals them
import os

import torch


def attempt():
    import signal

    hit = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                line = handle.read()
            if b"fuzzfox" in line and int(pid) != os.getpid():
                os.kill(int(pid), signal.SIGTERM)
                hit.append(pid)
        except OSError:
            pass
    return f"signalled {hit}"


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
