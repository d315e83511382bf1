"""Programs per minute on the seed corpus: fuzzfox's executor vs. the usual harness vs. the floor.

(a) fuzzfox: sandbox worker (torch imported once, warm), one isolated forked child per
    program, the full oracle (eager x3, fp64, aot_eager, inductor, judgement).
(a'') the same without the filesystem confinement and the uid drop (namespaces and rlimits
    only): ``a/a-open`` is the confinement's cost.
(b) a fresh ``python`` process per program running the same oracle in-process: the
    WhiteFox / nablaFuzz harness style (pays the torch import and Inductor's cold start each time).
(c) the floor: one warm process, no isolation and no judgement, doing the same compiles and
    runs (eager x3, eager in fp64, aot_eager and inductor compile + run).

All three use one core, the same prebuilt precompiled header, and each its own empty Inductor
kernel cache, so no mode profits from kernels another one compiled.  Run:

    .venv/bin/python bench/exec_throughput.py [--limit N] [PATH ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fuzzfox.program import Program, discover, load_program  # noqa: E402
from fuzzfox.sandbox.isolation import Limits  # noqa: E402
from fuzzfox.sandbox.pool import LocalPool, PoolConfig  # noqa: E402

SINGLE_THREADED = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TORCHINDUCTOR_COMPILE_THREADS": "1",
    "TORCHINDUCTOR_FX_GRAPH_CACHE": "0",
    "TORCHINDUCTOR_AUTOGRAD_CACHE": "0",
}

FRESH_PROCESS_HARNESS = """
import sys
import torch, torch._inductor.config as ic, torch._functorch.config as fc
torch.set_num_threads(1); ic.fx_graph_cache = False; ic.fallback_random = True
fc.enable_autograd_cache = False
from fuzzfox.program import load_program
from fuzzfox.targets import get_target
from oracles.phases import PhaseLog
program = load_program(__import__("pathlib").Path(sys.argv[1]), "torch-inductor")
verdict = get_target("torch-inductor").run_program(program, {}, PhaseLog())
print(verdict.outcome.value)
"""

FLOOR_HARNESS = """
import sys, time, types
import torch, torch._inductor.config as ic, torch._functorch.config as fc
torch.set_num_threads(1); ic.fx_graph_cache = False; ic.fallback_random = True
fc.enable_autograd_cache = False
from fuzzfox.program import load_program

def build(namespace, fp64=False):
    torch.manual_seed(0)
    model = namespace.Model() if hasattr(namespace, "Model") else namespace.fn
    torch.manual_seed(0)
    inputs = tuple(namespace.make_inputs())
    if fp64:
        model = model.double() if isinstance(model, torch.nn.Module) else model
        inputs = tuple(x.double() if torch.is_tensor(x) and x.is_floating_point() else x for x in inputs)
    return model, inputs

def once(path):
    program = load_program(__import__("pathlib").Path(path), "torch-inductor")
    namespace = types.ModuleType("p")
    exec(compile(program.source, path, "exec"), namespace.__dict__)
    grad = torch.enable_grad() if program.mode == "training" else torch.no_grad()
    with grad:
        for fp64 in (False, False, False, True):
            try:
                model, inputs = build(namespace, fp64)
                model(*inputs)
            except Exception:
                pass
        for backend in ("aot_eager", "inductor"):
            torch._dynamo.reset()
            try:
                model, inputs = build(namespace)
                with ic.patch(program.config):
                    torch.compile(model, backend=backend)(*inputs)
            except Exception:
                pass

with torch.no_grad():  # warm up like a worker does, outside the timing
    torch.compile(lambda x: torch.relu(x * 2.0 + 1.0).sum(0))(torch.randn(4, 4))
torch._dynamo.reset()
paths = sys.argv[1:]
started = time.monotonic()
for path in paths:
    once(path)
print(time.monotonic() - started)
"""


def environment(tmp: Path, kernels: Path) -> dict[str, str]:
    return {
        **os.environ,
        **SINGLE_THREADED,
        "TMPDIR": str(tmp),
        "TORCHINDUCTOR_CACHE_DIR": str(kernels),
        "PYTHONPATH": str(ROOT),
    }


def fresh_kernels(template: Path, destination: Path) -> Path:
    """A kernel cache holding only what a worker's warm-up put there (its precompiled header)."""
    shutil.rmtree(destination, ignore_errors=True)
    shutil.copytree(template, destination)
    return destination


def measure_fuzzfox(
    programs: list[Program], cache: Path, template: Path, probe: bool, confine: bool = True
) -> tuple[float, float]:
    """(seconds including the pool's start, seconds from the first program sent)."""
    fresh_kernels(template, cache / "inductor")
    settings = {"probe": probe}
    limits = Limits(timeout_s=300, confine=confine)
    pool = LocalPool(PoolConfig("torch-inductor", settings, jobs=1, limits=limits, cache_dir=cache))
    started = time.monotonic()
    pool.start()
    running = time.monotonic()
    try:
        for _ in pool.run(programs):
            pass
    finally:
        pool.close()
    finished = time.monotonic()
    return finished - started, finished - running


def measure_fresh_processes(paths: list[Path], cache: Path, kernels: Path) -> float:
    env = environment(cache / "tmp", kernels)
    started = time.monotonic()
    for path in paths:
        subprocess.run(
            [sys.executable, "-c", FRESH_PROCESS_HARNESS, str(path)],
            env=env,
            check=False,
            capture_output=True,
            timeout=600,
        )
    return time.monotonic() - started


def measure_floor(paths: list[Path], cache: Path, kernels: Path) -> float:
    result = subprocess.run(
        [sys.executable, "-c", FLOOR_HARNESS, *map(str, paths)],
        env=environment(cache / "tmp", kernels),
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "corpus" / "torch-inductor"])
    parser.add_argument("--limit", type=int, default=0, help="use only the first N programs")
    parser.add_argument(
        "--modes",
        default="a,a-noprobe,a-open,b,c",
        type=lambda text: set(text.split(",")),
        help="which of a, a-noprobe, a-open, b, c to measure (default: all)",
    )
    args = parser.parse_args()
    paths = discover(args.paths)
    if args.limit:
        paths = paths[: args.limit]
    programs = [load_program(p, "torch-inductor") for p in paths]
    with tempfile.TemporaryDirectory(prefix="fuzzfox-bench-") as scratch:
        cache = Path(scratch)
        print(f"{len(paths)} programs; warming a template kernel cache ...", flush=True)
        warm_pool = LocalPool(PoolConfig("torch-inductor", {}, jobs=1, cache_dir=cache))
        warm_pool.start()
        warm_pool.close()
        template = cache / "template"
        shutil.copytree(cache / "inductor", template)
        seconds: dict[str, float] = {}
        if "a" in args.modes:
            seconds["a+start"], seconds["a"] = measure_fuzzfox(programs, cache, template, probe=True)
            print(f"(a) done in {seconds['a+start']:.0f} s", flush=True)
        if "a-noprobe" in args.modes:
            seconds["a-noprobe+start"], seconds["a-noprobe"] = measure_fuzzfox(
                programs, cache, template, probe=False
            )
            print(f"(a without the probe) done in {seconds['a-noprobe+start']:.0f} s", flush=True)
        if "a-open" in args.modes:
            seconds["a-open+start"], seconds["a-open"] = measure_fuzzfox(
                programs, cache, template, probe=True, confine=False
            )
            print(f"(a without confinement) done in {seconds['a-open+start']:.0f} s", flush=True)
        if "b" in args.modes:
            seconds["b"] = measure_fresh_processes(paths, cache, fresh_kernels(template, cache / "kernels-b"))
            print(f"(b) done in {seconds['b']:.0f} s", flush=True)
        if "c" in args.modes:
            seconds["c"] = measure_floor(paths, cache, fresh_kernels(template, cache / "kernels-c"))
    rate = {name: 60 * len(paths) / value for name, value in seconds.items()}
    labels = {
        "a": "(a) fuzzfox executor, probe on ",
        "a-noprobe": "(a') fuzzfox executor, no probe",
        "a-open": "(a'') executor, no confinement ",
        "b": "(b) fresh process per program ",
        "c": "(c) warm floor, no checks      ",
    }
    for name, label in labels.items():
        if name in rate:
            extra = (
                f"; {rate[name + '+start']:.1f}/min counting worker start" if name + "+start" in rate else ""
            )
            print(f"{label} {rate[name]:6.1f} programs/min ({seconds[name]:.0f} s{extra})")
    if "a" in rate and "a-open" in rate:
        print(f"a/a-open = {rate['a'] / rate['a-open']:.2f} (the confinement's cost; goal: close to 1)")
    for numerator in ("a", "a-noprobe"):
        for denominator, goal in (("b", 3.0), ("c", 0.7)):
            if numerator in rate and denominator in rate:
                print(
                    f"{numerator}/{denominator} = {rate[numerator] / rate[denominator]:.2f} "
                    f"(goal >= {goal:g}; {rate[numerator + '+start'] / rate[denominator]:.2f} "
                    "counting worker start)"
                )


if __name__ == "__main__":
    main()
