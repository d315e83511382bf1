"""From runs to a Verdict: framework-neutral decisions about who is wrong, and how sure we are."""

from __future__ import annotations

import dataclasses
import re
import time
import traceback
from collections.abc import Callable, Collection, Mapping

from oracles import instability
from oracles.compare import Leaf, Mismatch, compare_runs, identical
from oracles.phases import PhaseLog, runs_no_compiler, split_phase, stage_of
from oracles.verdict import ExceptionInfo, ModeResult, Outcome, Stage, Symptom, Verdict, combine

# The layer a failure points at is its backend's name unless the framework's oracle says what
# a backend stands for (``layers``: torch's ``aot_eager`` is dynamo and AOTAutograd, no codegen).
NO_LAYERS: Mapping[str, str] = {}

# The judges a program can be put before: ``values`` (compiled against eager and the fp64 referee)
# and ``grads`` (reverse against forward against numeric gradients, and the compiled backward).
ORACLES = ("values", "grads")
DEFAULT_ORACLES = ("values",)  # of one ``fuzzfox run``; a campaign runs both (fuzzfox.config)


@dataclasses.dataclass
class OracleOptions:
    """How every framework's values oracle runs a program; a framework names its own backends."""

    backends: tuple[str, ...] = ()  # ordered from least to most compiling
    eager_reruns: int = 2
    seed: int = 0
    draws: tuple[str, ...] = ()  # boundary input draws (oracles.boundary.DRAWS) after the recorded inputs


MAX_FRAMES = 8


@dataclasses.dataclass
class Run:
    """One mode's run: the observable leaves, or the exception it raised."""

    mode: ModeResult
    leaves: list[Leaf] | None = None
    draws: list[Run] = dataclasses.field(default_factory=list)  # the same model on input draws

    @property
    def ok(self) -> bool:
        return self.mode.ok


@dataclasses.dataclass
class _Finding:
    backend: str
    symptom: Symptom
    stage: Stage
    detail: str
    mismatch: Mismatch | None = None
    exception: ExceptionInfo | None = None

    @property
    def dropped(self) -> bool:
        return self.mismatch is not None and self.mismatch.drop_rule is not None


def eager_runs(
    run: Callable[[bool, str], Run], reruns: int, phases: PhaseLog
) -> tuple[Run, list[Run], Run | None]:
    """Eager once, ``reruns`` times more (non-determinism), then in float64 (the referee).

    ``run(fp64, name)`` runs the program eagerly; re-runs and the float64 run only follow a
    first run that succeeded.
    """
    phases.enter("eager")
    eager = run(False, "eager")
    if not eager.ok:
        return eager, [], None
    phases.enter("eager-rerun")
    again = [run(False, "eager-rerun") for _ in range(reruns)]
    phases.enter("eager-fp64")
    return eager, again, run(True, "eager-fp64")


def failed_compiled_run(backend: str, started: float, phases: PhaseLog, error: BaseException) -> Run:
    """A compiled backend's run that raised: timed from ``started``, staged by the current phase."""
    mode = ModeResult(
        backend,
        False,
        time.monotonic() - started,
        stage=stage_of(phases.current),
        exception=exception_info(error),
    )
    return Run(mode)


def exception_info(error: BaseException) -> ExceptionInfo:
    frames = [
        f"{_short_path(frame.filename)}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(error.__traceback__)
    ]
    return ExceptionInfo(type(error).__name__, str(error)[:4000], frames[-MAX_FRAMES:])


def _short_path(filename: str) -> str:
    return re.sub(r"^.*/(site|dist)-packages/", "", filename)


def blame_for(backend: str, layers: Mapping[str, str]) -> str:
    return layers.get(backend, backend)


def judge(
    eager: Run,
    reruns: list[Run],
    fp64: Run | None,
    compiled: list[Run],
    precision: str | None = None,
    *,
    layers: Mapping[str, str] = NO_LAYERS,
) -> Verdict:
    """Compare eager against each compiled backend (ordered from least to most compiling).

    ``precision``: the lowest float precision the program cast to inside, if known (see compare)."""
    modes = [
        eager.mode,
        *(r.mode for r in reruns),
        *([fp64.mode] if fp64 else []),
        *(r.mode for r in compiled),
    ]
    if not eager.ok:
        return _judge_eager_failure(eager, compiled, modes, layers)

    unsteady = unsteady_paths(eager, reruns)
    reference = fp64.leaves if fp64 is not None and fp64.ok else None
    findings = _findings(compiled, eager, reference, precision, unsteady)
    only_unsteady = not findings and bool(unsteady)
    if only_unsteady:  # the steady outputs agree: what differs, if anything, eager does not reproduce
        findings = _findings(compiled, eager, reference, precision, frozenset())
    if not findings:
        return Verdict(Outcome.PASS, "compiled agrees with eager", modes=modes)
    bugs = [f for f in findings if not f.dropped]
    primary = bugs[0] if bugs else findings[0]
    verdict = _verdict_from_finding(primary, modes, layers)
    if only_unsteady:
        verdict.outcome = Outcome.DROPPED
        verdict.drop_rule = instability.NONDETERMINISTIC
        verdict.summary += " (but eager re-runs disagree with each other)"
    elif unsteady and primary.symptom is not Symptom.CRASH:
        verdict.summary += f" (judged on the outputs eager reproduces; {len(unsteady)} it does not)"
    return verdict


EVERY_LEAF = "*"  # in unsteady_paths: the re-runs' outputs differ in structure, so none is steady


def unsteady_paths(eager: Run, reruns: list[Run]) -> frozenset[str]:
    """The outputs (leaf paths) on which some eager re-run disagrees with eager, bit for bit.

    Only those are beyond judging: a program whose one output reads uninitialized memory (a
    bundle of OpInfo calls with an ``empty_like`` among them) still has its other outputs judged, on the
    recorded inputs and on every input draw.  :data:`EVERY_LEAF` when a re-run's outputs differ
    in structure."""
    leaves = eager.leaves or []
    unsteady: set[str] = set()
    for rerun in reruns:
        if not rerun.ok:
            continue
        again = rerun.leaves or []
        if [leaf.path for leaf in again] != [leaf.path for leaf in leaves]:
            return frozenset({EVERY_LEAF})
        unsteady |= {a.path for a, b in zip(leaves, again, strict=True) if not identical([a], [b])}
    return frozenset(unsteady)


def _findings(
    compiled: list[Run],
    eager: Run,
    reference: list[Leaf] | None,
    precision: str | None,
    unsteady: frozenset[str],
) -> list[_Finding]:
    """What each compiled run shows against eager, leaving out the outputs in ``unsteady``."""
    steady_reference = _steady_leaves(reference, unsteady)
    found = (
        _finding(_steady(run, unsteady), _steady(eager, unsteady), steady_reference, precision)
        for run in compiled
    )
    return [finding for finding in found if finding]


def _steady(run: Run, unsteady: frozenset[str]) -> Run:
    if not unsteady or run.leaves is None:
        return run
    return dataclasses.replace(run, leaves=_steady_leaves(run.leaves, unsteady))


def _steady_leaves(leaves: list[Leaf] | None, unsteady: frozenset[str]) -> list[Leaf] | None:
    if leaves is None or not unsteady:
        return leaves
    return [] if EVERY_LEAF in unsteady else [leaf for leaf in leaves if leaf.path not in unsteady]


def values_and_gradients(
    oracles: Collection[str], values: Callable[[], Verdict], gradients: Callable[[], Verdict]
) -> Verdict:
    """One program's verdict under the oracles asked for (``values``, ``grads``), the same rule for
    every framework: values first; a program invalid for values (it fails without any compiler)
    is not differentiated; otherwise the gradient verdict, combined with the values one."""
    if not {"values", "grads"} & set(oracles):
        raise ValueError(f"no oracle to judge with: {sorted(oracles)}")
    verdict = values() if "values" in oracles else None
    if verdict is not None and ("grads" not in oracles or verdict.outcome is Outcome.INVALID):
        return verdict
    grads = gradients()
    return grads if verdict is None else combine(verdict, grads)


def judged_leaf(run: Run, verdict: Verdict, draws: tuple[str, ...]) -> Leaf | None:
    """``run``'s array leaf that ``verdict`` found wrong, on the inputs it was judged on: the
    recorded ones, or the input draw it names (its place in ``draws``)."""
    if verdict.draw in draws:
        index = draws.index(verdict.draw)
        run = run.draws[index] if index < len(run.draws) else Run(run.mode)
    found = [x for x in run.leaves or [] if x.path == verdict.leaf and x.values is not None]
    return found[0] if found else None


def judge_draws(
    draws: tuple[str, ...],
    eager: Run,
    reruns: list[Run],
    fp64: Run | None,
    compiled: list[Run],
    precision: str | None = None,
    *,
    layers: Mapping[str, str] = NO_LAYERS,
) -> Verdict | None:
    """The first input draw (``Run.draws``, in the order of ``draws``) on which a compiled backend
    is wrong, judged like the recorded inputs; None if none is.

    A draw eager raises on left the program's domain and is skipped; the outputs eager does not
    reproduce on the recorded inputs (:func:`unsteady_paths`) are not judged on any draw (a draw
    has no re-runs of its own)."""
    unsteady = unsteady_paths(eager, reruns)
    for index, draw in enumerate(draws):
        drawn_eager = eager.draws[index] if index < len(eager.draws) else None
        if drawn_eager is None or not drawn_eager.ok:
            continue
        reference = fp64.draws[index] if fp64 is not None and index < len(fp64.draws) else None
        drawn = [_steady(run.draws[index], unsteady) for run in compiled if index < len(run.draws)]
        steady_reference = None if reference is None else _steady(reference, unsteady)
        verdict = judge(_steady(drawn_eager, unsteady), [], steady_reference, drawn, precision, layers=layers)
        if verdict.outcome is Outcome.BUG:
            verdict.draw = draw
            verdict.summary += f" (on the {draw!r} input draw)"
            verdict.modes = [eager.mode, *(r.mode for r in reruns), *([fp64.mode] if fp64 else [])]
            verdict.modes += [run.mode for run in compiled]
            return verdict
    return None


def _describe(error: ExceptionInfo | None) -> str:
    if error is None:
        return "failed"
    first_line = error.message.strip().splitlines()[0] if error.message.strip() else ""
    return f"{error.type}: {first_line[:200]}"


def _judge_eager_failure(
    eager: Run, compiled: list[Run], modes: list[ModeResult], layers: Mapping[str, str]
) -> Verdict:
    error = eager.mode.exception
    described = _describe(error)
    survivors = [run for run in compiled if run.ok]
    if not survivors:
        return Verdict(
            Outcome.INVALID,
            f"the program fails without any compiler ({described})",
            exception=error,
            modes=modes,
        )
    backend = survivors[0].mode.mode
    out_of_memory = instability.is_out_of_memory(error)
    return Verdict(
        Outcome.DROPPED if out_of_memory else Outcome.BUG,
        f"eager raises but {backend} runs ({described})",
        symptom=Symptom.STATUS,
        stage=Stage.EXECUTION,
        backend=backend,
        blame=blame_for(backend, layers),
        drop_rule=instability.EAGER_OUT_OF_MEMORY if out_of_memory else None,
        exception=error,
        modes=modes,
    )


def _finding(run: Run, eager: Run, reference: list[Leaf] | None, precision: str | None) -> _Finding | None:
    name = run.mode.mode
    if not run.ok:
        error = run.mode.exception
        return _Finding(
            name, Symptom.CRASH, run.mode.stage or Stage.EXECUTION, _describe(error), exception=error
        )
    mismatch = compare_runs(eager.leaves or [], run.leaves or [], reference, precision)
    if mismatch is None:
        return None
    return _Finding(name, mismatch.symptom, Stage.VERIFICATION, mismatch.detail, mismatch=mismatch)


def _verdict_from_finding(finding: _Finding, modes: list[ModeResult], layers: Mapping[str, str]) -> Verdict:
    mismatch = finding.mismatch
    verdict = Verdict(
        Outcome.DROPPED if finding.dropped else Outcome.BUG,
        f"{finding.backend}: {finding.symptom.value} at {finding.stage.value}: {finding.detail}",
        symptom=finding.symptom,
        stage=finding.stage,
        backend=finding.backend,
        blame=blame_for(finding.backend, layers),
        exception=finding.exception,
        modes=modes,
    )
    if mismatch is not None:
        verdict.drop_rule = mismatch.drop_rule
        verdict.leaf = mismatch.path
        verdict.max_abs_err = mismatch.max_abs_err
        verdict.max_rel_err = mismatch.max_rel_err
        verdict.rmse_compiled_vs_fp64 = mismatch.rmse_compiled
        verdict.rmse_eager_vs_fp64 = mismatch.rmse_eager
    return verdict


def verdict_from_abnormal_exit(
    phase: str,
    *,
    timed_out: bool,
    signal_number: int | None,
    exit_code: int | None,
    output_tail: str,
    seconds: float,
    layers: Mapping[str, str] = NO_LAYERS,
) -> Verdict:
    """A run that died or hung: the phase it was in says whose fault it is and at which stage."""
    if timed_out:
        how = "timed out"
    elif signal_number:
        how = f"died of signal {signal_number}"
    else:
        how = f"exited with status {exit_code} before giving a verdict"
    symptom = Symptom.TIMEOUT if timed_out else Symptom.CRASH
    backend, step = split_phase(phase)
    if backend is None or runs_no_compiler(phase):
        return Verdict(
            Outcome.INVALID,
            f"the program {how} while in {step}, before any compiler ran",
            symptom=symptom,
            signal=signal_number,
            output_tail=output_tail,
            seconds=seconds,
        )
    stage = stage_of(phase)
    return Verdict(
        Outcome.BUG,
        f"{backend}: {how} during {step}",
        symptom=symptom,
        stage=stage,
        backend=backend,
        blame=blame_for(backend, layers),
        signal=signal_number,
        output_tail=output_tail,
        seconds=seconds,
    )
