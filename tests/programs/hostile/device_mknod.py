# target: torch-inductor
# description: hostile: creates a device node for the first disk
import os

import torch


def attempt():
    import stat

    os.mknod("disk", stat.S_IFBLK | 0o600, os.makedev(253, 0))
    with open("disk", "rb") as handle:
        return f"READ the disk: {handle.read(16)!r}"


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
