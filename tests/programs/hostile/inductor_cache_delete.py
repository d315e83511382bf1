# target: torch-inductor
# description: hostile: deletes Inductor's shared kernel cache
import os

import torch


def attempt():
    import shutil

    from torch._inductor.runtime.cache_dir_utils import cache_dir

    shutil.rmtree(cache_dir())
    return f"DELETED {cache_dir()}: exists now {os.path.exists(cache_dir())}"


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
