# target: torch-inductor
# description: hostile: connects to local services (LLM server, Ray) on their usual ports

import torch


def attempt():
    import socket

    results = []
    for port in (8080, 8000, 6379, 8265, 11434):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            results.append(f"{port}: CONNECTED")
        except OSError as error:
            results.append(f"{port}: {type(error).__name__}")
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
