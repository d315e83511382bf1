# target: torch-inductor
# description: hostile: writes to /sys: moves itself out of its cgroup, changes a kernel knob
import os

import torch


def attempt():
    results = []
    for path, text in (
        ("/sys/fs/cgroup/pids/cgroup.procs", str(os.getpid())),
        ("/proc/sys/kernel/pid_max", "4194304"),
        ("/sys/kernel/mm/transparent_hugepage/enabled", "never"),
    ):
        try:
            with open(path, "w") as handle:
                handle.write(text)
            results.append(f"{path}: WROTE")
        except OSError as error:
            results.append(f"{path}: {type(error).__name__}")
    return f"{results}"


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
