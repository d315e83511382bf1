# target: torch-inductor
# description: hostile: plants an executable in /usr/local/bin

import torch


def attempt():
    path = "/usr/local/bin/python3"
    with open(path, "w") as handle:
        handle.write("pwned by a fuzzed program\n")
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
