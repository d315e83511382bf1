# target: torch-inductor
# description: hostile: makes torch/__init__.py world-writable
import os

import torch


def attempt():
    path = os.path.join(os.path.dirname(torch.__file__), "__init__.py")
    os.chmod(path, 0o777)
    return f"CHMODDED {path}"


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
