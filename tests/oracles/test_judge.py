"""Who is wrong, and at which stage: the judgement rules without any framework."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from oracles import instability
from oracles.compare import Leaf
from oracles.judge import Run, judge, judge_draws, values_and_gradients, verdict_from_abnormal_exit
from oracles.phases import last_phase
from oracles.torch import FRONTEND_LAYERS
from oracles.verdict import ExceptionInfo, ModeResult, Outcome, Stage, Symptom, Verdict


def ok(mode: str, values) -> Run:
    array = np.asarray(values, dtype=np.float64)
    return Run(ModeResult(mode, True, 0.1), [Leaf("out", "float32", array.shape, array)])


def failed(mode: str, message: str = "boom", stage: Stage | None = None, kind: str = "RuntimeError") -> Run:
    return Run(ModeResult(mode, False, 0.1, stage=stage, exception=ExceptionInfo(kind, message, [])))


def test_agreement_passes() -> None:
    verdict = judge(
        ok("eager", [1.0]),
        [ok("eager-rerun", [1.0])],
        ok("eager-fp64", [1.0]),
        [ok("aot_eager", [1.0]), ok("inductor", [1.0])],
    )
    assert verdict.outcome is Outcome.PASS


def test_both_sides_raise_is_an_invalid_program_not_a_bug() -> None:
    verdict = judge(failed("eager"), [], None, [failed("aot_eager"), failed("inductor")])
    assert verdict.outcome is Outcome.INVALID


def test_eager_raises_and_compiled_runs_is_a_status_bug() -> None:
    verdict = judge(
        failed("eager", "index 9 is out of bounds"), [], None, [failed("aot_eager"), ok("inductor", [1.0])]
    )
    assert verdict.outcome is Outcome.BUG and verdict.symptom is Symptom.STATUS
    assert verdict.backend == "inductor" and verdict.blame == "inductor"


def test_eager_out_of_memory_is_dropped_not_a_status_bug() -> None:
    verdict = judge(failed("eager", "", kind="MemoryError"), [], None, [ok("inductor", [1.0])])
    assert verdict.outcome is Outcome.DROPPED and verdict.drop_rule == instability.EAGER_OUT_OF_MEMORY


def test_crash_only_in_inductor_blames_inductor_at_its_stage() -> None:
    verdict = judge(
        ok("eager", [1.0]),
        [],
        ok("eager-fp64", [1.0]),
        [ok("aot_eager", [1.0]), failed("inductor", stage=Stage.COMPILATION)],
    )
    assert (verdict.outcome, verdict.symptom, verdict.stage) == (
        Outcome.BUG,
        Symptom.CRASH,
        Stage.COMPILATION,
    )
    assert verdict.blame == "inductor"


def test_failure_already_in_aot_eager_blames_the_front_end_the_framework_names() -> None:
    runs = (
        ok("eager", [1.0]),
        [],
        ok("eager-fp64", [1.0]),
        [failed("aot_eager", stage=Stage.COMPILATION), failed("inductor", stage=Stage.COMPILATION)],
    )
    verdict = judge(*runs, layers=FRONTEND_LAYERS)
    assert verdict.backend == "aot_eager" and verdict.blame == "dynamo/aot_autograd"
    # The judge itself knows no framework: without the torch oracle's layers a backend is its own.
    assert judge(*runs).blame == "aot_eager"


def test_value_mismatch_with_unstable_eager_is_dropped() -> None:
    verdict = judge(
        ok("eager", [1.0]), [ok("eager-rerun", [1.5])], ok("eager-fp64", [1.0]), [ok("inductor", [3.0])]
    )
    assert verdict.outcome is Outcome.DROPPED and verdict.drop_rule == instability.NONDETERMINISTIC
    stable = judge(
        ok("eager", [1.0]), [ok("eager-rerun", [1.0])], ok("eager-fp64", [1.0]), [ok("inductor", [3.0])]
    )
    assert stable.outcome is Outcome.BUG and stable.symptom is Symptom.WRONG_VALUE
    assert stable.stage is Stage.VERIFICATION


def two(mode: str, first, second, draws: tuple[Run, ...] = ()) -> Run:
    """A run with two outputs, ``out[0]`` and ``out[1]``."""
    leaves = [
        Leaf(f"out[{n}]", "float32", (1,), np.asarray([v], dtype=np.float64))
        for n, v in enumerate((first, second))
    ]
    return Run(ModeResult(mode, True, 0.1), leaves, list(draws))


def test_only_the_outputs_eager_does_not_reproduce_are_left_unjudged() -> None:
    eager, rerun, fp64 = two("eager", 7.0, 1.0), two("eager-rerun", 9.0, 1.0), two("eager-fp64", 8.0, 1.0)
    wrong_steady = judge(eager, [rerun], fp64, [two("inductor", 20.0, 3.0)])
    assert (wrong_steady.outcome, wrong_steady.leaf) == (Outcome.BUG, "out[1]")
    wrong_unsteady = judge(eager, [rerun], fp64, [two("inductor", 20.0, 1.0)])
    assert wrong_unsteady.outcome is Outcome.DROPPED
    assert wrong_unsteady.drop_rule == instability.NONDETERMINISTIC
    assert judge(eager, [rerun], fp64, [two("inductor", 7.0, 1.0)]).outcome is Outcome.PASS
    reshaped = ok("eager-rerun", [1.0])  # a re-run of another structure: no output is steady
    assert judge(eager, [reshaped], fp64, [two("inductor", 20.0, 3.0)]).outcome is Outcome.DROPPED


def test_input_draws_judge_the_outputs_eager_reproduces() -> None:
    def runs(mode: str, steady_on_draw: float) -> Run:
        return two(mode, 7.0, 1.0, draws=(two(mode, 0.5, 0.0), two(mode, 0.5, steady_on_draw)))

    eager, rerun, fp64 = runs("eager", 2.0), two("eager-rerun", 9.0, 1.0), runs("eager-fp64", 2.0)
    caught = judge_draws(("zeros", "large"), eager, [rerun], fp64, [runs("inductor", 4.0)])
    assert caught is not None and (caught.outcome, caught.draw, caught.leaf) == (
        Outcome.BUG,
        "large",
        "out[1]",
    )
    assert judge_draws(("zeros", "large"), eager, [rerun], fp64, [runs("inductor", 2.0)]) is None


def test_abnormal_exits_are_attributed_by_phase() -> None:
    def exit_in(phase: str, **kw) -> Verdict:
        args = {
            "timed_out": False,
            "signal_number": None,
            "exit_code": None,
            "output_tail": "",
            "seconds": 1.0,
        }
        return verdict_from_abnormal_exit(phase, **{**args, **kw})

    assert exit_in("eager", signal_number=11).outcome is Outcome.INVALID
    # Eager gradient phases run no compiler (a slow numeric difference is no compiler bug) ...
    assert exit_in("grad:numeric", timed_out=True).outcome is Outcome.INVALID
    # ... but the compiled gradient does.
    assert exit_in("grad:compiled", signal_number=6).outcome is Outcome.BUG
    crash = exit_in("inductor:compile", signal_number=11)
    assert (crash.outcome, crash.symptom, crash.stage, crash.signal) == (
        Outcome.BUG,
        Symptom.CRASH,
        Stage.COMPILATION,
        11,
    )
    hang = exit_in("inductor:execute", timed_out=True)
    assert (hang.symptom, hang.stage, hang.blame) == (Symptom.TIMEOUT, Stage.EXECUTION, "inductor")
    assert exit_in("aot_eager:trace", exit_code=3, layers=FRONTEND_LAYERS).blame == "dynamo/aot_autograd"
    assert exit_in("aot_eager:trace", exit_code=3).blame == "aot_eager"


def test_values_and_gradients_is_one_rule_for_every_framework() -> None:
    calls: list[str] = []

    def values(outcome: Outcome) -> Callable[[], Verdict]:
        return lambda: calls.append("values") or Verdict(outcome, f"values {outcome.value}")

    def grads() -> Verdict:
        calls.append("grads")
        return Verdict(Outcome.BUG, "grads bug")

    # A program that fails without a compiler is not differentiated.
    invalid = values_and_gradients(["values", "grads"], values(Outcome.INVALID), grads)
    assert invalid.outcome is Outcome.INVALID
    assert calls == ["values"]
    calls.clear()
    both = values_and_gradients(["values", "grads"], values(Outcome.PASS), grads)
    assert (both.outcome, calls) == (Outcome.BUG, ["values", "grads"])
    assert both.summary.startswith("grads: grads bug | values: pass")
    calls.clear()
    assert values_and_gradients(["grads"], values(Outcome.PASS), grads).summary == "grads bug"
    assert values_and_gradients(["values"], values(Outcome.PASS), grads).outcome is Outcome.PASS
    assert calls == ["grads", "values"]
    with pytest.raises(ValueError, match="no oracle"):
        values_and_gradients([], values(Outcome.PASS), grads)


def test_verdict_round_trips_through_json() -> None:
    verdict = judge(
        ok("eager", [1.0]),
        [],
        ok("eager-fp64", [1.0]),
        [ok("aot_eager", [1.0]), failed("inductor", stage=Stage.EXECUTION)],
    )
    again = Verdict.from_json(verdict.to_json())
    assert again == verdict
    assert "crash at execution in inductor" in again.explain()


def test_a_program_writing_garbage_on_the_phase_descriptor_does_not_make_a_compiler_phase() -> None:
    # The hostile write_open_descriptors.py wrote a forged verdict line to every descriptor; its
    # crash at load was judged a compiler crash, because the line held a colon.
    log = 'load\n{"verdict": {"outcome": "pass"}}\n'
    assert last_phase(log) == "load"
    assert last_phase("load\neager\ninductor:compile\n") == "inductor:compile"
    assert last_phase("") == "load"
