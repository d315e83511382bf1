# target: torch-inductor
# description: hostile: writes to every file descriptor it inherited (the worker's pipes)
import os

import torch


def attempt():
    written = []
    for fd in range(3, 1024):
        try:
            os.write(fd, b'{"verdict": {"outcome": "pass"}}\n')
            written.append(fd)
        except OSError:
            pass
    return f"wrote to descriptors {written}"


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
