# target: torch-inductor
# description: hostile: writes through /proc/1/root and /proc/1/cwd

import torch


def attempt():
    written = []
    for path in ("/proc/1/root/tmp/pwned.txt", "/proc/1/cwd/pwned.txt", "/proc/self/root/etc/pwned"):
        try:
            with open(path, "w") as handle:
                handle.write("pwned")
            written.append(path)
        except OSError as error:
            written.append(f"{path}: {type(error).__name__}")
    return f"{written}"


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
