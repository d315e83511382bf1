"""The cross-backend oracle: one computation (oracles.equivalences) in torch, JAX and TF, compared.

For each entry and input draw, every framework runs eagerly in float32 and float64 and computes
the value f(x) and the reverse-mode gradient of L = sum(w * f(x)) with respect to every input
(the same weights w everywhere).  Each framework runs in its own child process
(``python -m oracles.cross_backend``) that imports only that framework, gets every case at once
and answers with an npz of leaves; the child is killed at the timeout.  Frameworks cannot be
forked once they ran (measured on this project's machines), hence one fresh interpreter per
framework, not a fork.

The rule, applied to values and to gradients alike (``judge_leaves``):

1. float64 agreement.  Every pair of frameworks' float64 results is compared with
   ``oracles.compare`` (float64 tolerances, widened as for a run without reference: rtol and
   atol 1e-6).  If they all agree, the *float64 consensus* is their elementwise median.  If they
   do not: with three or more frameworks, one that disagrees with all others while the others
   agree among themselves is the odd one out and is blamed; otherwise the verdict names the
   disagreeing pair ("torch vs jax"): nothing decides between them.
2. float32 against the consensus.  Framework f is *clearly further from float64* than framework
   g when ``compare.compare_leaf(eager=g's float32, compiled=f's float32, fp64=consensus)``
   reports a mismatch (compare's rule: rmse(f) > multiplier x rmse(g) + floor).  f is blamed
   when that holds against every other framework.  If some pair is clearly apart but no one is
   worse than all others (two frameworks share an error), the pair is named ("jax vs torch").
3. Drops: compare's instability rules (NaN/Inf in the float64 consensus where they differ, ...)
   turn a mismatch into ``dropped`` with its rule; a framework that raises
   NotImplementedError only for the gradient is dropped with ``grad_mode_not_implemented``.

A framework raising where the others do not is a ``crash`` blamed on it; if every framework
raises, the entry itself is broken: ``invalid``.

Test-only faulty variants (``FAULTS``) run a real framework with one op deliberately wrong, so
tests can check that the oracle catches and blames the right framework.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from oracles import instability
from oracles.compare import Leaf, compare_leaf
from oracles.equivalences import FRAMEWORKS, Equivalence, draw_inputs, loss_weights
from oracles.verdict import ExceptionInfo, ModeResult, Outcome, Stage, Symptom, Verdict

PRECISIONS = ("float32", "float64")
FAULT_SCALE = 1.0 + 1e-3
DEFAULT_TIMEOUT_S = 300.0

# Test-only variants: name -> (framework, what is wrong).
FAULTS: dict[str, tuple[str, str]] = {
    "torch-faulty-softmax": ("torch", "torch.softmax output scaled by 1+1e-3 (a wrong value)"),
    "jax-faulty-tanh-grad": ("jax", "jnp.tanh derivative scaled by 1+1e-3 (a wrong gradient only)"),
    "tf-faulty-exp-float32": ("tf", "tf.math.exp off by 1e-3 relative in float32 only"),
}


def base_framework(name: str) -> str:
    """The real framework behind a name ("torch" for "torch-faulty-softmax")."""
    if name in FRAMEWORKS:
        return name
    if name in FAULTS:
        return FAULTS[name][0]
    raise ValueError(f"unknown framework {name!r} (known: {', '.join(FRAMEWORKS + tuple(FAULTS))})")


@dataclasses.dataclass(frozen=True)
class Case:
    """One entry with one input draw."""

    entry: Equivalence
    seed: int
    draw: int

    @property
    def key(self) -> str:
        return f"{self.entry.name}#{self.seed}.{self.draw}"


@dataclasses.dataclass
class FrameworkRun:
    """What one framework's child returned: leaves per case and precision, errors, versions."""

    framework: str
    leaves: dict[str, np.ndarray]  # "{case}|{precision}|{leaf}" -> array
    errors: dict[str, dict[str, Any]]  # "{case}|{precision}" -> {"phase", "type", "message", "frames"}
    version: str = ""
    seconds: float = 0.0  # the whole child: import and every case
    case_seconds: dict[str, float] = dataclasses.field(default_factory=dict)  # "{case}|{precision}"
    failure: ExceptionInfo | None = None  # the child died, timed out or could not start
    signal: int | None = None


# ---------------------------------------------------------------------------------------------
# The child: evaluate every case in one framework.


class _Patched:
    """A module with some attributes replaced (for the faulty variants)."""

    def __init__(self, module: Any, **overrides: Any) -> None:
        self._module = module
        self._overrides = overrides

    def __getattr__(self, name: str) -> Any:
        if name in self._overrides:
            return self._overrides[name]
        return getattr(self._module, name)


def _torch_namespace(fault: str | None) -> tuple[dict[str, Any], Callable, str]:
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    namespace: dict[str, Any] = {"torch": torch, "F": F}
    if fault == "torch-faulty-softmax":
        real_softmax = torch.softmax
        namespace["torch"] = _Patched(torch, softmax=lambda *a, **k: real_softmax(*a, **k) * FAULT_SCALE)

    def evaluate(expression: str, arrays: dict[str, np.ndarray], weights: Callable) -> tuple:
        inputs = {name: torch.tensor(value, requires_grad=True) for name, value in arrays.items()}
        out = eval(expression, namespace, dict(inputs))
        w = torch.tensor(weights(tuple(out.shape)), dtype=out.dtype)
        grads = torch.autograd.grad((w * out).sum(), list(inputs.values()), allow_unused=True)
        grads = [
            np.zeros_like(arrays[n]) if g is None else g.numpy() for n, g in zip(inputs, grads, strict=True)
        ]
        return out.detach().numpy(), grads

    return namespace, evaluate, torch.__version__


def _jax_namespace(fault: str | None) -> tuple[dict[str, Any], Callable, str]:
    import jax

    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_platforms", "cpu")
    import jax.numpy as jnp
    from jax import lax

    namespace: dict[str, Any] = {"jax": jax, "jnp": jnp, "lax": lax}
    if fault == "jax-faulty-tanh-grad":

        @jax.custom_jvp
        def faulty_tanh(x: Any) -> Any:
            return jnp.tanh(x)

        @faulty_tanh.defjvp
        def _faulty_tanh_jvp(primals: tuple, tangents: tuple) -> tuple:
            (x,), (t,) = primals, tangents
            y = jnp.tanh(x)
            return y, (1 - y * y) * FAULT_SCALE * t

        namespace["jnp"] = _Patched(jnp, tanh=faulty_tanh)

    def evaluate(expression: str, arrays: dict[str, np.ndarray], weights: Callable) -> tuple:
        names = list(arrays)

        def f(*values: Any) -> Any:
            return eval(expression, namespace, dict(zip(names, values, strict=True)))

        values = [jnp.asarray(arrays[n]) for n in names]
        out = f(*values)
        w = jnp.asarray(weights(tuple(out.shape)), dtype=out.dtype)
        grads = jax.grad(lambda *v: jnp.sum(w * f(*v)), argnums=tuple(range(len(names))))(*values)
        return np.asarray(out), [np.asarray(g) for g in grads]

    return namespace, evaluate, jax.__version__


def _tf_namespace(fault: str | None) -> tuple[dict[str, Any], Callable, str]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    namespace: dict[str, Any] = {"tf": tf}
    if fault == "tf-faulty-exp-float32":
        real_exp = tf.math.exp

        def faulty_exp(x: Any) -> Any:
            y = real_exp(x)
            return y * FAULT_SCALE if y.dtype == tf.float32 else y

        namespace["tf"] = _Patched(tf, math=_Patched(tf.math, exp=faulty_exp))

    def evaluate(expression: str, arrays: dict[str, np.ndarray], weights: Callable) -> tuple:
        inputs = {name: tf.constant(value) for name, value in arrays.items()}
        with tf.GradientTape() as tape:
            for value in inputs.values():
                tape.watch(value)
            out = eval(expression, namespace, dict(inputs))
            w = tf.constant(weights(tuple(out.shape)), dtype=out.dtype)
            loss = tf.reduce_sum(w * out)
        grads = tape.gradient(loss, list(inputs.values()))
        grads = [
            np.zeros_like(arrays[n]) if g is None else g.numpy() for n, g in zip(inputs, grads, strict=True)
        ]
        return out.numpy(), grads

    return namespace, evaluate, tf.__version__


_NAMESPACES = {"torch": _torch_namespace, "jax": _jax_namespace, "tf": _tf_namespace}


def _exception_info(error: BaseException) -> dict[str, Any]:
    frames = [f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(error.__traceback__)]
    return {"type": type(error).__name__, "message": str(error)[:2000], "frames": frames[-8:]}


def _worker(framework: str, request: Path, answer: Path) -> None:
    """Child entry point: evaluate every case of ``request`` in one framework, write ``answer``."""
    from oracles.equivalences import BY_NAME

    started = time.monotonic()
    fault = framework if framework in FAULTS else None
    _, evaluate, version = _NAMESPACES[base_framework(framework)](fault)
    manifest = json.loads((request / "manifest.json").read_text())
    with np.load(request / "inputs.npz") as stored:
        inputs = {key: stored[key] for key in stored.files}
    leaves: dict[str, np.ndarray] = {}
    errors: dict[str, dict[str, Any]] = {}
    case_seconds: dict[str, float] = {}
    for item in manifest["cases"]:
        entry = BY_NAME[item["entry"]]
        key, seed, draw = item["key"], item["seed"], item["draw"]
        for precision in PRECISIONS:
            arrays = {name: inputs[f"{key}|{name}"].astype(precision) for name in entry.inputs}
            case_started = time.monotonic()
            try:
                out, grads = evaluate(
                    entry.expression(base_framework(framework)),
                    arrays,
                    lambda shape, seed=seed, draw=draw: loss_weights(seed, draw, shape),
                )
            except Exception as error:  # a framework error is data here, not a failure of the child
                errors[f"{key}|{precision}"] = _exception_info(error)
                continue
            finally:
                case_seconds[f"{key}|{precision}"] = time.monotonic() - case_started
            leaves[f"{key}|{precision}|out"] = np.asarray(out)
            for name, grad in zip(entry.inputs, grads, strict=True):
                leaves[f"{key}|{precision}|grad[{name}]"] = np.asarray(grad)
    partial = answer.with_suffix(".partial.npz")
    np.savez(partial, **leaves)
    partial.rename(answer)
    answer.with_suffix(".json").write_text(
        json.dumps(
            {
                "errors": errors,
                "version": version,
                "seconds": time.monotonic() - started,
                "case_seconds": case_seconds,
            }
        )
    )


# ---------------------------------------------------------------------------------------------
# The parent: start one child per framework, collect.


def _write_request(cases: list[Case], directory: Path) -> None:
    arrays: dict[str, np.ndarray] = {}
    manifest = []
    for case in cases:
        for name, value in draw_inputs(case.entry, case.seed, case.draw).items():
            arrays[f"{case.key}|{name}"] = value
        manifest.append({"key": case.key, "entry": case.entry.name, "seed": case.seed, "draw": case.draw})
    np.savez(directory / "inputs.npz", **arrays)
    (directory / "manifest.json").write_text(json.dumps({"cases": manifest}))


def _child_env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH", "")
    return {
        **os.environ,
        "PYTHONPATH": root + (os.pathsep + path if path else ""),
        "OMP_NUM_THREADS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "XLA_FLAGS": os.environ.get("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false"),
    }


def run_frameworks(
    cases: list[Case], frameworks: Iterable[str], timeout_s: float = DEFAULT_TIMEOUT_S
) -> dict[str, FrameworkRun]:
    """Run every case in every framework, one child process per framework, all at once."""
    frameworks = list(frameworks)
    for framework in frameworks:
        base_framework(framework)  # an unknown name fails before any child starts
    with tempfile.TemporaryDirectory(prefix="fuzzfox-crosscheck-") as temp:
        directory = Path(temp)
        _write_request(cases, directory)
        started = time.monotonic()
        children: dict[str, tuple[subprocess.Popen, Path]] = {}
        try:
            for framework in frameworks:
                answer = directory / f"answer-{framework}.npz"
                with open(directory / f"log-{framework}.txt", "w") as log:
                    children[framework] = (
                        subprocess.Popen(
                            [
                                sys.executable,
                                "-m",
                                "oracles.cross_backend",
                                framework,
                                str(directory),
                                str(answer),
                            ],
                            stdout=log,
                            stderr=subprocess.STDOUT,
                            env=_child_env(),
                            start_new_session=True,
                        ),
                        answer,
                    )
            return {
                framework: _collect(framework, process, answer, started + timeout_s, started)
                for framework, (process, answer) in children.items()
            }
        finally:
            for process, _ in children.values():
                if process.poll() is None:  # interrupted: leave no child behind
                    os.killpg(process.pid, 9)
                    process.wait()


def _collect(
    framework: str, process: subprocess.Popen, answer: Path, deadline: float, started: float
) -> FrameworkRun:
    try:
        process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait()
        return FrameworkRun(
            framework, {}, {}, failure=ExceptionInfo("Timeout", f"{framework} did not finish in time", [])
        )
    seconds = time.monotonic() - started
    log_file = answer.parent / f"log-{framework}.txt"
    log = log_file.read_text()[-2000:] if log_file.exists() else ""
    if process.returncode != 0 or not answer.exists():
        signal = -process.returncode if process.returncode < 0 else None
        message = f"{framework} child exited with status {process.returncode}: {log.strip()[-500:]}"
        return FrameworkRun(
            framework,
            {},
            {},
            seconds=seconds,
            failure=ExceptionInfo("ChildFailed", message, []),
            signal=signal,
        )
    with np.load(answer) as stored:
        leaves = {key: stored[key] for key in stored.files}
    meta = json.loads(answer.with_suffix(".json").read_text())
    return FrameworkRun(
        framework,
        leaves,
        meta["errors"],
        version=meta["version"],
        seconds=meta["seconds"],
        case_seconds=meta["case_seconds"],
    )


# ---------------------------------------------------------------------------------------------
# Judging.


@dataclasses.dataclass
class LeafJudgement:
    """The outcome of the two-step rule for one leaf (a value or one gradient)."""

    blamed: str | None = None  # "tf", or "torch vs jax"
    precision: str | None = None  # where the evidence is: "float64" or "float32"
    detail: str = ""
    drop_rule: str | None = None
    max_abs_err: float | None = None
    max_rel_err: float | None = None
    rmse_blamed: float | None = None
    rmse_other: float | None = None


def _leaf(path: str, values: np.ndarray) -> Leaf:
    return Leaf(path, values.dtype.name, tuple(values.shape), values.astype(np.float64))


def judge_leaves(path: str, float32: dict[str, np.ndarray], float64: dict[str, np.ndarray]) -> LeafJudgement:
    """Apply the module's two-step rule to one leaf of several frameworks (same framework keys)."""
    names = list(float64)
    agree = {
        (a, b): _float64_pair_agrees(path, float64[a], float64[b])
        for i, a in enumerate(names)
        for b in names[i + 1 :]
    }  # pairs in the order the frameworks were given
    symmetric = {**agree, **{(b, a): result for (a, b), result in agree.items()}}

    def agrees(a: str, b: str) -> bool:
        return a == b or symmetric[(a, b)][0]

    if not all(ok for ok, _ in agree.values()):
        odd = [
            f
            for f in names
            if len(names) >= 3
            and not any(agrees(f, g) for g in names if g != f)
            and all(agrees(g, h) for g in names for h in names if f not in (g, h))
        ]
        if len(odd) == 1:
            other = next(g for g in names if g != odd[0])
            mismatch = symmetric[(odd[0], other)][1]
            return LeafJudgement(
                odd[0],
                "float64",
                f"float64 {path}: {odd[0]} disagrees with all others: "
                + (mismatch.detail if mismatch else "shapes differ"),
                max_abs_err=mismatch.max_abs_err if mismatch else None,
                max_rel_err=mismatch.max_rel_err if mismatch else None,
            )
        (a, b), (_, detail) = next((pair, result) for pair, result in agree.items() if not result[0])
        if detail is None:
            return LeafJudgement(f"{a} vs {b}", "float64", f"float64 {path}: {a} and {b} differ in shape")
        return LeafJudgement(
            f"{a} vs {b}",
            "float64",
            f"float64 {path}: {a} vs {b}: {detail.detail}",
            drop_rule=detail.drop_rule,
            max_abs_err=detail.max_abs_err,
            max_rel_err=detail.max_rel_err,
        )

    consensus = _leaf(path, np.median(np.stack([float64[f] for f in names]), axis=0))
    further: dict[str, dict[str, Any]] = {f: {} for f in names}
    dropped = None
    for f in names:
        for g in names:
            if f == g:
                continue
            mismatch = compare_leaf(_leaf(path, float32[g]), _leaf(path, float32[f]), consensus)
            if mismatch is None:
                continue
            if mismatch.drop_rule is not None:
                dropped = dropped or (f, g, mismatch)
                continue
            further[f][g] = mismatch
    worst = [f for f in names if len(further[f]) == len(names) - 1]
    apart = [(f, g, m) for f in names for g, m in further[f].items()]
    if worst or apart:
        f, g, mismatch = (worst[0], *next(iter(further[worst[0]].items()))) if worst else apart[0]
        blamed = f if worst else f"{f} vs {g}"
        return LeafJudgement(
            blamed,
            "float32",
            f"float32 {path}: {f} is further from the float64 consensus than {g}: {mismatch.detail}",
            max_abs_err=mismatch.max_abs_err,
            max_rel_err=mismatch.max_rel_err,
            rmse_blamed=mismatch.rmse_compiled,
            rmse_other=mismatch.rmse_eager,
        )
    if dropped is not None:
        f, g, mismatch = dropped
        return LeafJudgement(
            f"{f} vs {g}", "float32", f"float32 {path}: {mismatch.detail}", drop_rule=mismatch.drop_rule
        )
    return LeafJudgement()


def _float64_pair_agrees(path: str, a: np.ndarray, b: np.ndarray) -> tuple[bool, Any]:
    """(agree, mismatch) for two float64 results, neither trusted more: compare both ways."""
    if a.shape != b.shape:
        return False, None
    for first, second in ((a, b), (b, a)):
        mismatch = compare_leaf(_leaf(path, first), _leaf(path, second), None)
        if mismatch is not None:
            return False, mismatch
    return True, None


def max_float32_error(case: Case, runs: dict[str, FrameworkRun]) -> float | None:
    """Largest |float32 - float64 consensus| over the case's leaves and frameworks (for tables)."""
    worst: float | None = None
    for path in _leaf_paths(case):
        stacks = [run.leaves.get(f"{case.key}|float64|{path}") for run in runs.values()]
        if any(s is None for s in stacks) or len({s.shape for s in stacks}) != 1:
            continue
        consensus = np.median(np.stack(stacks), axis=0)
        for run in runs.values():
            value = run.leaves.get(f"{case.key}|float32|{path}")
            if value is None or value.shape != consensus.shape or value.size == 0:
                continue
            with np.errstate(invalid="ignore"):
                error = np.abs(value.astype(np.float64) - consensus)
            finite = error[np.isfinite(error)]
            if finite.size:
                worst = max(worst or 0.0, float(finite.max()))
    return worst


def _leaf_paths(case: Case) -> list[str]:
    return ["out", *(f"grad[{name}]" for name in case.entry.inputs)]


def judge_case(case: Case, runs: dict[str, FrameworkRun]) -> Verdict:
    """The verdict for one case from every framework's run (frameworks that could not run left out)."""
    frameworks = list(runs)
    modes = [
        ModeResult(
            mode=f"{f}-{precision}",
            ok=runs[f].failure is None and f"{case.key}|{precision}" not in runs[f].errors,
            seconds=runs[f].case_seconds.get(f"{case.key}|{precision}", 0.0),
            exception=_mode_exception(runs[f], case, precision),
        )
        for f in frameworks
        for precision in PRECISIONS
    ]
    seconds = sum(mode.seconds for mode in modes)
    crashed = {m.mode.rsplit("-", 1)[0] for m in modes if not m.ok}
    if crashed:
        verdict = _crash_verdict(case, runs, crashed)
        verdict.modes, verdict.seconds = modes, seconds
        return verdict
    err = max_float32_error(case, runs)
    for symptom, path in [(Symptom.WRONG_VALUE, "out")] + [
        (Symptom.WRONG_GRADIENT, p) for p in _leaf_paths(case)[1:]
    ]:
        float32 = {f: runs[f].leaves[f"{case.key}|float32|{path}"] for f in frameworks}
        float64 = {f: runs[f].leaves[f"{case.key}|float64|{path}"] for f in frameworks}
        judgement = judge_leaves(path, float32, float64)
        if judgement.blamed is None:
            continue
        outcome = Outcome.DROPPED if judgement.drop_rule else Outcome.BUG
        return Verdict(
            outcome=outcome,
            summary=f"{case.entry.name}: {judgement.detail}",
            symptom=symptom,
            stage=Stage.VERIFICATION,
            backend=judgement.blamed,
            blame=judgement.precision,
            drop_rule=judgement.drop_rule,
            leaf=path,
            max_abs_err=judgement.max_abs_err if judgement.max_abs_err is not None else err,
            max_rel_err=judgement.max_rel_err,
            rmse_compiled_vs_fp64=judgement.rmse_blamed,
            rmse_eager_vs_fp64=judgement.rmse_other,
            modes=modes,
            seconds=seconds,
        )
    return Verdict(
        outcome=Outcome.PASS,
        summary=f"{case.entry.name}: {', '.join(frameworks)} agree on values and gradients",
        max_abs_err=err,
        modes=modes,
        seconds=seconds,
    )


def _mode_exception(run: FrameworkRun, case: Case, precision: str) -> ExceptionInfo | None:
    if run.failure is not None:
        return run.failure
    error = run.errors.get(f"{case.key}|{precision}")
    return ExceptionInfo(error["type"], error["message"], error["frames"]) if error else None


def _crash_verdict(case: Case, runs: dict[str, FrameworkRun], crashed: set[str]) -> Verdict:
    first = sorted(crashed)[0]
    run = runs[first]
    exception = run.failure or next(
        ExceptionInfo(e["type"], e["message"], e["frames"])
        for key, e in run.errors.items()
        if key.startswith(f"{case.key}|")
    )
    if crashed == set(runs):
        return Verdict(
            Outcome.INVALID,
            f"{case.entry.name}: every framework raises ({exception.type}): the entry is broken",
            exception=exception,
        )
    blamed = ", ".join(sorted(crashed))
    drop_rule = instability.GRAD_MODE_NOT_IMPLEMENTED if exception.type == "NotImplementedError" else None
    return Verdict(
        Outcome.DROPPED if drop_rule else Outcome.BUG,
        f"{case.entry.name}: {blamed} raises where {', '.join(sorted(set(runs) - crashed))} do not",
        symptom=Symptom.CRASH,
        stage=Stage.EXECUTION,
        backend=blamed,
        blame="framework",
        drop_rule=drop_rule,
        exception=exception,
        signal=run.signal,
    )


def crosscheck(
    entries: Iterable[Equivalence],
    frameworks: Iterable[str],
    draws: int = 1,
    seed: int = 0,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> tuple[list[tuple[Case, Verdict]], dict[str, FrameworkRun]]:
    """Run and judge every entry x draw in every framework; the runs come back for versions/timing."""
    return check_cases(
        [Case(entry, seed, draw) for entry in entries for draw in range(draws)], frameworks, timeout_s
    )


def check_cases(
    cases: list[Case], frameworks: Iterable[str], timeout_s: float = DEFAULT_TIMEOUT_S
) -> tuple[list[tuple[Case, Verdict]], dict[str, FrameworkRun]]:
    """Run and judge the given cases in every framework."""
    runs = run_frameworks(cases, frameworks, timeout_s)
    return [(case, judge_case(case, runs)) for case in cases], runs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="cross-backend child: evaluate a request in one framework")
    parser.add_argument("framework")
    parser.add_argument("request", type=Path)
    parser.add_argument("answer", type=Path)
    args = parser.parse_args(argv)
    _worker(args.framework, args.request, args.answer)


if __name__ == "__main__":
    main()
