# target: torch-inductor
# description: hostile: fills /dev/shm

import torch


def attempt():
    written = 0
    block = b"x" * (1 << 24)
    try:
        with open("/dev/shm/fill.bin", "wb") as handle:
            while written < 4 << 30:
                handle.write(block)
                written += len(block)
    finally:
        print(f"WROTE {written >> 20} MB to /dev/shm", flush=True)
    return f"wrote {written >> 20} MB"


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
