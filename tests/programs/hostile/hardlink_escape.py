# target: torch-inductor
# description: hostile: hard-links torch/__init__.py into its scratch and writes it
import os

import torch


def attempt():
    os.link(os.path.join(os.path.dirname(torch.__file__), "__init__.py"), "init-link")
    with open("init-link", "a") as handle:
        handle.write("pwned")
    return "WROTE torch/__init__.py through a hard link"


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
