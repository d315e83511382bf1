# target: torch-inductor
# description: hostile: writes bytecode into fuzzfox's __pycache__
import os

import torch


def attempt():
    import py_compile

    source = os.path.abspath(__import__("fuzzfox").__file__)
    target = py_compile.compile(source, doraise=True)
    return f"WROTE {target}"


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
