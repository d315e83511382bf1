# target: torch-inductor
# description: hostile: connects to the machine's unix sockets (docker, dbus, abstract)

import torch


def attempt():
    import glob
    import socket

    results = []
    for path in [*glob.glob("/run/**/*.sock", recursive=True), "/var/run/docker.sock", "\0/tmp/.X11-unix/X0"]:
        try:
            client = socket.socket(socket.AF_UNIX)
            client.settimeout(1)
            client.connect(path)
            results.append(f"{path}: CONNECTED")
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
