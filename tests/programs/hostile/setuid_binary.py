# target: torch-inductor
# description: hostile: runs su and sudo to become root

import torch


def attempt():
    import subprocess

    results = []
    for command in (["su", "-c", "id"], ["sudo", "-n", "id"]):
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=10)
            results.append(
                f"{command[0]}: {done.returncode} {done.stdout.strip()} {done.stderr.strip()[:80]}"
            )
        except OSError as error:
            results.append(f"{command[0]}: {type(error).__name__}")
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
