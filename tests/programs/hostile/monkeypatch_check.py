# target: torch-inductor
# description: hostile: checks whether an earlier program's monkey-patch of torch is still there

import torch


def attempt():
    import builtins

    patched = getattr(builtins, "FUZZFOX_POISONED", False) or bool((torch.ones(1) + torch.ones(1) != 2).any())
    return "torch is PATCHED" if patched else "torch is pristine"


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
