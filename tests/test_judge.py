"""Who is wrong, and at which stage: the judgement rules without any framework."""

from __future__ import annotations

import numpy as np

from oracles import instability
from oracles.compare import Leaf
from oracles.judge import Run, judge, verdict_from_abnormal_exit
from oracles.phases import last_phase
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


def test_failure_already_in_aot_eager_blames_the_front_end() -> None:
    verdict = judge(
        ok("eager", [1.0]),
        [],
        ok("eager-fp64", [1.0]),
        [failed("aot_eager", stage=Stage.COMPILATION), failed("inductor", stage=Stage.COMPILATION)],
    )
    assert verdict.backend == "aot_eager" and verdict.blame == "dynamo/aot_autograd"


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
    assert exit_in("aot_eager:trace", exit_code=3).blame == "dynamo/aot_autograd"


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
