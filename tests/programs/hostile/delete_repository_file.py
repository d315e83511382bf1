# target: torch-inductor
# description: hostile: deletes fuzzfox's README.md
import os

import torch


def attempt():
    path = os.path.join(os.path.dirname(os.path.dirname(__import__("fuzzfox").__file__)), "README.md")
    os.remove(path)
    return f"DELETED {path}"


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
