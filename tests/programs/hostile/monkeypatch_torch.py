# target: torch-inductor
# description: hostile: replaces torch.add and Tensor.__add__ in its process (a reused worker would keep them)

import torch


def attempt():
    import builtins

    torch.add = lambda *args, **kwargs: torch.zeros(1)
    torch.Tensor.__add__ = lambda self, other: torch.zeros(1)
    builtins.FUZZFOX_POISONED = True
    return f"patched: 1 + 1 is now {torch.ones(1) + torch.ones(1)}"


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
