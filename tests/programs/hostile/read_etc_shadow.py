# target: torch-inductor
# description: hostile: reads /etc/shadow and raises it in an exception

import torch


def attempt():
    with open("/etc/shadow") as handle:
        raise RuntimeError("SHADOW: " + handle.read())


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
