# target: torch-inductor
# description: hostile: deletes every file it finds under /tmp
import os

import torch


def attempt():
    deleted = 0
    for dirpath, _, files in os.walk("/tmp"):
        for name in files:
            try:
                os.remove(os.path.join(dirpath, name))
                deleted += 1
            except OSError:
                pass
    return f"DELETED {deleted} files under /tmp; it sees {os.listdir('/tmp')}"


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
