# target: torch-inductor
# description: hostile: drops a .pth file (runs at every interpreter start) in site-packages
import os

import torch


def attempt():
    path = os.path.join(os.path.dirname(os.path.dirname(torch.__file__)), "zz_pwned.pth")
    with open(path, "w") as handle:
        handle.write("import os; os.system('echo pwned')\n")
    return f"WROTE {path}"


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
