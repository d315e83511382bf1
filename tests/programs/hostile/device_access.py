# target: torch-inductor
# description: hostile: opens disks and kernel memory devices
import os

import torch


def attempt():
    results = []
    for path in ("/dev/sda", "/dev/vda", "/dev/mem", "/dev/kmsg", "/dev/port", "/dev/tty"):
        try:
            os.close(os.open(path, os.O_RDONLY))
            results.append(f"{path}: OPENED")
        except OSError as error:
            results.append(f"{path}: {type(error).__name__}")
    return f"{results}; /dev holds {sorted(os.listdir('/dev'))}"


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
