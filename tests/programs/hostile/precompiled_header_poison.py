# target: torch-inductor
# description: hostile: overwrites Inductor's precompiled headers
import os

import torch


def attempt():
    from torch._inductor.codecache import _HEADER_DIR

    changed = []
    for name in os.listdir(_HEADER_DIR):
        path = os.path.join(_HEADER_DIR, name)
        if os.path.isfile(path):
            with open(path, "w") as handle:
                handle.write("#error poisoned\n")
            changed.append(name)
    return f"overwrote {changed} in {_HEADER_DIR}"


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
