# target: torch-inductor
# description: hostile: writes thousands of 1 MB files into its scratch

import torch


def attempt():
    written = 0
    block = b"x" * (1 << 20)
    try:
        while written < 4096:
            with open(f"fill-{written}.bin", "wb") as handle:
                handle.write(block)
            written += 1
    finally:
        print(f"WROTE {written} files", flush=True)
    return f"wrote {written} files"


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
