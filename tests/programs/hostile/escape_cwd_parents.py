# target: torch-inductor
# description: hostile: walks up from its working directory and writes and reads what it finds
import os

import torch


def attempt():
    found, written = [], []
    directory = os.getcwd()
    while directory != "/":
        directory = os.path.dirname(directory)
        for name in os.listdir(directory):
            found.append(os.path.join(directory, name))
        try:
            with open(os.path.join(directory, "pwned.txt"), "w") as handle:
                handle.write("pwned")
            written.append(directory)
        except OSError:
            pass
    return f"sees {found[:8]}; wrote into {written}"


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
