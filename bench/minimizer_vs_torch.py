"""fuzzfox's minimizer against PyTorch's own minifier, on two bugs Inductor can be told to have.

The bugs come from ``torch._inductor.config.cpp.inject_relu_bug_TESTING_ONLY``: ``accuracy``
(the C++ ReLU computes ``x + 1``: a silent wrong value) and ``compile_error`` (the ReLU kernel does
not compile).  One program with a ReLU among other ops is minimized twice per bug:

- ours: ``fuzzfox.triage.minimize`` on the program file, judged in the sandbox pool (backends
  aot_eager and inductor, the bug injected in the workers); the predicate is "the verdict is a bug
  in inductor with the same symptom (and, for the crash, the same exception) as the original";
- PyTorch's: the program compiled with ``TORCHDYNAMO_REPRO_AFTER=aot`` (and
  ``TORCHDYNAMO_REPRO_LEVEL=4`` for accuracy, the default level 2 for the compile error), which
  writes ``minifier_launcher.py``; then ``python minifier_launcher.py minify`` in its folder, which
  writes ``repro.py``.

How things are counted: *statements* are ``ast.stmt`` nodes of the whole file and *tokens* are
``tokenize`` tokens without comments and layout (``fuzzfox.triage.minimize.count_*``), for our
program file and for torch's repro file alike.  *ops* are, for our programs, the calls and
arithmetic operators in the compiled code (``forward``/``fn`` and helpers, not ``__init__`` or
``make_inputs``; a layer call counts as one), and for torch's files the nodes of the FX graph in
``Repro.forward`` other than its inputs and output (one aten op each); *inputs* are the
arguments of the entry point / graph.  Seconds are wall clock on this machine: ours counts the
pool start and the search, torch's the run that dumps the launcher and the minify run.  Each side
starts from its own empty Inductor cache and precompiled header (``TORCHINDUCTOR_CACHE_DIR`` and
``TMPDIR`` in the work folder), so neither profits from kernels the other, or an earlier run,
compiled.

Usage: .venv/bin/python bench/minimizer_vs_torch.py [--bugs accuracy,compile_error] [--keep DIR]
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fuzzfox.program import Program, parse_program  # noqa: E402
from fuzzfox.sandbox.isolation import Limits  # noqa: E402
from fuzzfox.sandbox.pool import LocalPool, PoolConfig  # noqa: E402
from fuzzfox.triage.minimize import count_statements, count_tokens, minimize  # noqa: E402
from oracles.verdict import Symptom, Verdict  # noqa: E402

INJECT = "cpp.inject_relu_bug_TESTING_ONLY"
REPRO_LEVEL = {"accuracy": "4", "compile_error": "2"}
TORCH_STEP_TIMEOUT_S = 1800
SINGLE_THREADED = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "TORCHINDUCTOR_COMPILE_THREADS": "1"}

PROGRAM = """# target: torch-inductor
# optimization: relu
# origin: bench
# parent: -
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(16, 32)
        self.norm = nn.LayerNorm(32)
        self.head = nn.Linear(32, 8)
        self.scale = 1.5

    def forward(self, x, y):
        h = self.linear(x)
        h = self.norm(h)
        a = torch.relu(h * self.scale - 0.25)
        b = torch.sigmoid(a) * y
        c = b + h.mean(dim=1, keepdim=True)
        d = self.head(torch.tanh(c))
        e = F.softmax(d, dim=-1) * 2.0
        return e + math.pi


def make_inputs():
    return (torch.randn(8, 16), torch.randn(8, 32))
"""

# Runs a program file the way the minifier needs: compiled with Inductor, in inference mode.
DRIVER = """import sys, types
import torch
import torch._inductor.config

torch._inductor.config.cpp.inject_relu_bug_TESTING_ONLY = {bug!r}
namespace = types.ModuleType("program")
exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), namespace.__dict__)
torch.manual_seed(0)
model, inputs = namespace.Model(), namespace.make_inputs()
with torch.no_grad():
    torch.compile(model, backend="inductor")(*inputs)
print("no failure")
"""


@dataclasses.dataclass
class Size:
    statements: int
    tokens: int
    ops: int
    inputs: int


@dataclasses.dataclass
class Outcome:
    before: Size | None = None
    after: Size | None = None
    seconds: float = 0.0
    detail: str = ""  # how it went: tests, verification, or what failed and how
    text: str = ""  # the minimized program / repro


# ------------------------------------------------------------------------------ ours


def is_same_bug(bug: str, original: Verdict) -> Callable[[Verdict], bool]:
    """The predicate: a bug in inductor with the original's symptom; for the crash, also its
    exception type and a C++ compile error in the message."""
    expected_type = original.exception.type if original.exception else None

    def holds(verdict: Verdict) -> bool:
        if not verdict.is_bug or verdict.backend != "inductor" or verdict.symptom != original.symptom:
            return False
        if bug == "compile_error":
            error = verdict.exception
            return error is not None and error.type == expected_type and "CppCompileError" in error.message
        return verdict.symptom is Symptom.WRONG_VALUE

    return holds


def run_ours(bug: str, budget_tests: int, cache: Path) -> Outcome:
    started = time.monotonic()
    settings = {"backends": ["aot_eager", "inductor"], "inductor_config": {INJECT: bug}, "probe": False}
    config = PoolConfig("torch-inductor", settings, jobs=2, limits=Limits(timeout_s=120), cache_dir=cache)
    pool = LocalPool(config)
    pool.start()
    program = parse_program(PROGRAM)
    try:
        original = next(verdict for _, verdict in pool.run([program]))
        holds = is_same_bug(bug, original)
        if not holds(original):
            return Outcome(seconds=time.monotonic() - started, detail=f"no bug: {original.explain()}")

        def still_fails(programs: list[Program]) -> list[bool]:
            verdicts = {p.id: v for p, v in pool.run(programs)}
            return [holds(verdicts[p.id]) for p in programs]

        searched = time.monotonic()
        result = minimize(program, still_fails, budget_tests=budget_tests)
    finally:
        pool.close()
    return Outcome(
        before=program_size(program.source),
        after=program_size(result.program.source),
        seconds=time.monotonic() - started,
        detail=(
            f"{result.tests} tests, search {time.monotonic() - searched:.0f}s after a "
            f"{searched - started:.0f}s pool start and first run; verified={result.verified}"
        ),
        text=result.program.source,
    )


def program_size(source: str) -> Size:
    from fuzzfox.program_ast import compute_functions, entry_function

    tree = ast.parse(source)
    operators = (ast.Call, ast.BinOp, ast.UnaryOp, ast.Compare)
    ops = sum(
        isinstance(node, operators) and not _is_negative_literal(node)
        for function in compute_functions(tree)
        for node in ast.walk(function)
    )
    entry = entry_function(tree)
    names = [a.arg for a in entry.args.args] if entry else []
    inputs = len(names) - (names[:1] == ["self"])
    return Size(count_statements(source), count_tokens(source), ops, inputs)


def _is_negative_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)


# ------------------------------------------------------------------------------ torch's


def run_torch(bug: str, folder: Path) -> Outcome:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "program.py").write_text(PROGRAM)
    (folder / "driver.py").write_text(DRIVER.format(bug=bug))
    caches = folder / "cache"
    (caches / "tmp").mkdir(parents=True, exist_ok=True)
    cache = {"TORCHINDUCTOR_CACHE_DIR": str(caches / "inductor"), "TMPDIR": str(caches / "tmp")}
    repro = {"TORCHDYNAMO_REPRO_AFTER": "aot", "TORCHDYNAMO_REPRO_LEVEL": REPRO_LEVEL[bug]}
    env = {**os.environ, **SINGLE_THREADED, **cache, **repro}
    started = time.monotonic()
    dump = _run([sys.executable, "driver.py", "program.py"], folder, env, folder / "dump.log")
    launchers = sorted(folder.glob("torch_compile_debug/run_*/minifier/minifier_launcher.py"))
    dumped = time.monotonic() - started
    if not launchers:
        return Outcome(
            seconds=dumped,
            detail=f"no minifier_launcher.py written by `{_env_text(bug)} python driver.py program.py` "
            f"(exit {dump.returncode}): {_tail(dump)}",
        )
    launcher = launchers[-1]
    minify = _run(
        [sys.executable, launcher.name, "minify"],
        launcher.parent,
        {**os.environ, **SINGLE_THREADED, **cache},
        folder / "minify.log",
    )
    seconds = time.monotonic() - started
    repro = launcher.parent / "repro.py"
    command = f"cd {launcher.parent} && python {launcher.name} minify"
    if minify.returncode != 0 or not repro.exists():
        return Outcome(
            before=graph_size(launcher),
            seconds=seconds,
            detail=f"`{command}` failed (exit {minify.returncode}): {_tail(minify)}",
        )
    output = (minify.stdout + minify.stderr).splitlines()
    queries = next((line for line in output[::-1] if line.startswith("Made ")), "")
    return Outcome(
        before=graph_size(launcher),
        after=graph_size(repro),
        seconds=seconds,
        detail=f"dump {dumped:.0f}s + minify {seconds - dumped:.0f}s; {queries.strip() or 'no query count'}",
        text=repro.read_text(),
    )


def _run(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.CompletedProcess:
    """Run one step of torch's minifier; its output is kept in ``log``."""
    process = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TORCH_STEP_TIMEOUT_S
    )
    log.write_text(f"$ {' '.join(command)}  (in {cwd})\n{process.stdout}\n{process.stderr}")
    return process


def _env_text(bug: str) -> str:
    return f"TORCHDYNAMO_REPRO_AFTER=aot TORCHDYNAMO_REPRO_LEVEL={REPRO_LEVEL[bug]}"


def _tail(process: subprocess.CompletedProcess) -> str:
    lines = (process.stdout + process.stderr).strip().splitlines()
    return " | ".join(lines[-6:])


def graph_size(path: Path) -> Size:
    """Statements and tokens of the whole file; ops and inputs of the graph in ``Repro.forward``."""
    source = path.read_text()
    tree = ast.parse(source)
    repro = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Repro")
    forward = next(n for n in repro.body if isinstance(n, ast.FunctionDef) and n.name == "forward")
    # One FX node per assignment; the ``x = None`` assignments only free buffers.
    ops = sum(
        isinstance(s, ast.Assign) and not (isinstance(s.value, ast.Constant) and s.value.value is None)
        for s in forward.body
    )
    return Size(count_statements(source), count_tokens(source), ops, len(forward.args.args) - 1)


# ------------------------------------------------------------------------------ the table


def report(results: dict[str, dict[str, Outcome]]) -> None:
    print("\nstatements / tokens / ops / inputs (how counted: see the module docstring)\n")
    print(f"{'bug':<14} {'minimizer':<8} {'before':>18} {'after':>18} {'seconds':>8}")
    for bug, outcomes in results.items():
        for name, outcome in outcomes.items():
            sizes = f"{_size(outcome.before):>18} {_size(outcome.after):>18}"
            print(f"{bug:<14} {name:<8} {sizes} {outcome.seconds:>8.0f}")
    for bug, outcomes in results.items():
        for name, outcome in outcomes.items():
            print(f"\n--- {bug}, {name}: {outcome.detail}")
            if name == "ours" or not outcome.text:
                print(outcome.text)
            else:  # torch's repro: only the graph part is worth reading
                print(_graph_text(outcome.text))


def _graph_text(repro: str) -> str:
    lines = repro.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("class Repro")), 0)
    end = next((i for i, line in enumerate(lines) if line.startswith("mod = Repro()")), len(lines))
    return "\n".join(line for line in lines[start:end] if line.strip())


def _size(size: Size | None) -> str:
    return "-" if size is None else f"{size.statements} / {size.tokens} / {size.ops} / {size.inputs}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bugs", default="accuracy,compile_error")
    parser.add_argument("--budget-tests", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="folder for torch's minifier files (default: a temp dir)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="minimizer-vs-torch-"))
    results: dict[str, dict[str, Outcome]] = {}
    for bug in args.bugs.split(","):
        print(f"[{bug}] ours ...", flush=True)
        ours = run_ours(bug, args.budget_tests, work / bug / "ours-cache")
        print(f"[{bug}] ours: {_size(ours.after)} in {ours.seconds:.0f}s; torch's ...", flush=True)
        theirs = run_torch(bug, work / bug / "torch")
        print(f"[{bug}] torch: {_size(theirs.after)} in {theirs.seconds:.0f}s", flush=True)
        results[bug] = {"ours": ours, "torch": theirs}
    print(f"torch's minifier files: {work}")
    report(results)


if __name__ == "__main__":
    main()
