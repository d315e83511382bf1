# target: torch-inductor
# description: hostile: connects to an address outside the machine

import torch


def attempt():
    import socket

    results = []
    for address in (("1.1.1.1", 53), ("8.8.8.8", 443)):
        try:
            socket.create_connection(address, timeout=3).close()
            results.append(f"{address}: CONNECTED")
        except OSError as error:
            results.append(f"{address}: {type(error).__name__}: {error}")
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
