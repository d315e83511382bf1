# target: torch-inductor
# description: hostile: writes 2 GB to stderr

import torch


def attempt():
    import sys

    block = "z" * (1 << 24)
    for _ in range(128):
        sys.stderr.write(block)
    return "wrote 2 GB to stderr"


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
