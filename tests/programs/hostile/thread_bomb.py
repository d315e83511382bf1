# target: torch-inductor
# description: hostile: starts threads until the system refuses

import torch


def attempt():
    import threading
    import time

    started = 0
    try:
        while started < 100_000:
            threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
            started += 1
    finally:
        print(f"THREADS {started}", flush=True)
    return f"started {started} threads"


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
