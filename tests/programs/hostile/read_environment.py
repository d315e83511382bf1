# target: torch-inductor
# description: looks for secrets in its environment and in every process's /proc/PID/environ
import os

import torch

MARKERS = ("sk-", "KEY", "TOKEN", "SECRET")
leaks = [f"env:{k}" for k, v in os.environ.items() if any(m in k or m in v for m in MARKERS)]
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                environ = handle.read().decode(errors="replace")
        except OSError:
            continue
        leaks += [f"proc:{pid}" for marker in MARKERS if marker in environ]
print("LEAKS:", sorted(set(leaks)))
if leaks:
    raise RuntimeError(f"secrets visible: {sorted(set(leaks))}")


class Model(torch.nn.Module):
    def forward(self, x):
        return x * 2


def make_inputs():
    return (torch.randn(2),)
