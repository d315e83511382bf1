# target: torch-inductor
# description: hostile: plants a kernel under a name the next program's compile will look up
import os

import torch


def attempt():
    from torch._inductor.runtime.cache_dir_utils import cache_dir

    directory = os.path.join(cache_dir(), "zz")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "czzpoisoned.py")
    with open(path, "w") as handle:
        handle.write("raise SystemExit('poisoned kernel')\n")
    return f"WROTE {path}"


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
