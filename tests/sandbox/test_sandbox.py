"""The sandbox: hostile programs become verdicts, secrets stay out, lost workers are replaced."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from fuzzfox.program import load_program
from fuzzfox.sandbox.isolation import Limits
from fuzzfox.sandbox.pool import LocalPool, PoolConfig
from oracles.verdict import Outcome, Stage, Symptom
from tests.conftest import HOSTILE, judge_in_sandbox, program, requires_torch

pytestmark = requires_torch

SECRETS = {
    "OPENAI_API_KEY": "sk-fuzzfox-test-secret",
    "HF_TOKEN": "hf_fuzzfox_test_token",
    "MY_SERVICE_SECRET": "fuzzfox-secret-value",
}


# PYTHONPATH passes the sandbox's environment allow-list, so a path naming this test run marks
# its workers and anything they fork, apart from the sandboxes of other runs on the machine.
RUN_MARKER = f"/nonexistent/fuzzfox-test-sandbox-{os.getpid()}"
# The hostile programs that crash, hang or fork while computing; the rest of the folder (one
# harmful attempt each at load) runs in one campaign in test_sandbox_confinement.py.
CRASHING = (
    "abort.py",
    "fork.py",
    "huge_allocation.py",
    "huge_allocation_at_load.py",
    "infinite_loop.py",
    "read_environment.py",
    "segfault.py",
)


@pytest.fixture(scope="module")
def hostile_verdicts(tmp_path_factory):
    saved = {k: os.environ.get(k) for k in (*SECRETS, "PYTHONPATH")}
    os.environ.update(SECRETS)  # in the campaign process, as a user's shell would have them
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [saved["PYTHONPATH"], RUN_MARKER]))
    try:
        programs = [load_program(HOSTILE / name, "torch-inductor") for name in CRASHING]
        programs.append(program("relu_linear.py"))  # the run goes on after all of them
        yield judge_in_sandbox(programs, jobs=2, timeout_s=15, log_dir=tmp_path_factory.mktemp("logs"))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_segfault_and_abort_are_verdicts_with_their_signal(hostile_verdicts) -> None:
    segfault, abort = hostile_verdicts["segfault.py"], hostile_verdicts["abort.py"]
    assert (segfault.outcome, segfault.symptom, segfault.signal) == (
        Outcome.INVALID,
        Symptom.CRASH,
        signal.SIGSEGV,
    )
    assert (abort.outcome, abort.symptom, abort.signal) == (Outcome.INVALID, Symptom.CRASH, signal.SIGABRT)


def test_infinite_loop_times_out_in_eager(hostile_verdicts) -> None:
    verdict = hostile_verdicts["infinite_loop.py"]
    assert (verdict.outcome, verdict.symptom) == (Outcome.INVALID, Symptom.TIMEOUT)
    assert "while in eager" in verdict.summary


def test_huge_allocations_fail_cleanly(hostile_verdicts) -> None:
    at_load = hostile_verdicts["huge_allocation_at_load.py"]
    assert at_load.outcome is Outcome.INVALID and at_load.exception.type == "MemoryError"
    in_forward = hostile_verdicts["huge_allocation.py"]
    # Inductor never materializes the 100 GB tensor it slices two elements from: not a bug.
    assert in_forward.outcome is Outcome.DROPPED and in_forward.drop_rule == "eager_out_of_memory"


def test_secrets_in_the_campaign_environment_are_invisible(hostile_verdicts) -> None:
    verdict = hostile_verdicts["read_environment.py"]
    assert "LEAKS: []" in verdict.output_tail, verdict.output_tail
    assert verdict.outcome is Outcome.PASS, verdict.explain()


def test_a_forking_program_is_judged_and_leaves_nothing_behind(hostile_verdicts) -> None:
    assert hostile_verdicts["fork.py"].outcome is Outcome.PASS
    sleepers = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline, open(f"/proc/{pid}/environ", "rb") as env:
                if b"fuzzfox.sandbox.worker" in cmdline.read() and RUN_MARKER.encode() in env.read():
                    sleepers.append(pid)
        except OSError:
            continue
    assert sleepers == [], "a forked child of a program (a copy of a worker) is still alive"


def test_the_run_goes_on(hostile_verdicts) -> None:
    assert hostile_verdicts["relu_linear.py"].outcome is Outcome.PASS


def test_native_crash_in_a_compiler_is_a_compilation_bug_and_next_program_runs() -> None:
    verdicts = judge_in_sandbox(
        [program("cat_no_relu.py"), program("relu_linear.py")], backends=("aot_eager", "faulty_cat_segfault")
    )
    crash = verdicts["cat_no_relu.py"]
    assert (crash.outcome, crash.symptom, crash.stage, crash.signal) == (
        Outcome.BUG,
        Symptom.CRASH,
        Stage.COMPILATION,
        signal.SIGSEGV,
    )
    assert crash.blame == "faulty_cat_segfault"
    assert verdicts["relu_linear.py"].outcome is Outcome.PASS  # silent where there is no cat


def test_rng_programs_compare_fairly() -> None:
    verdict = judge_in_sandbox([program("dropout_training.py")])["dropout_training.py"]
    assert verdict.outcome is Outcome.PASS, verdict.explain()


def test_a_killed_worker_is_replaced_and_its_program_runs_again() -> None:
    pool = LocalPool(
        PoolConfig("torch-inductor", {"backends": ["inductor"]}, jobs=1, limits=Limits(timeout_s=60))
    )
    pool.start()
    victim = pool.workers[0].process

    def kill_when_busy() -> None:
        time.sleep(3)  # the worker is inside slow.py's 8 s sleep
        os.killpg(victim.pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_when_busy)
    killer.start()
    try:
        results = {p.name: v for p, v in pool.run([program("slow.py"), program("relu_linear.py")])}
    finally:
        killer.join()
        pool.close()
    assert results["slow.py"].outcome is Outcome.PASS, "the program was not re-run on a fresh worker"
    assert results["relu_linear.py"].outcome is Outcome.PASS
    assert pool.workers[0].process is not victim


def test_the_pool_asks_for_the_next_program_as_soon_as_a_worker_is_idle() -> None:
    """No round barrier: with slow.py (8 s) on one worker, the other is given its next program
    as soon as its verdict is back; a source with NOTHING_YET is asked again after the next
    verdict, and one that waits while no verdict is due is told so."""
    from fuzzfox.sandbox.pool import NOTHING_YET

    pool = LocalPool(PoolConfig("torch-inductor", {"backends": ["aot_eager"]}, jobs=2))
    pool.start()
    asked_after: list[list[str]] = []
    finished: list[str] = []

    def source():  # type: ignore[no-untyped-def]
        yield program("slow.py")
        yield program("relu_linear.py")
        asked_after.append(list(finished))
        yield program("sigmoid_gate.py")
        yield NOTHING_YET
        asked_after.append(list(finished))

    try:
        for judged, verdict in pool.run(source()):
            assert verdict.outcome is Outcome.PASS, verdict.explain()
            finished.append(judged.name)
        assert finished == ["relu_linear.py", "sigmoid_gate.py", "slow.py"]
        assert asked_after == [["relu_linear.py"], finished]

        def waits_for_nothing():  # type: ignore[no-untyped-def]
            yield NOTHING_YET

        with pytest.raises(RuntimeError, match="none is due"):
            list(pool.run(waits_for_nothing()))
    finally:
        pool.close()


def test_a_source_may_wait_for_the_verdict_of_a_program_it_just_gave() -> None:
    """make demo: after the seeds, with every verdict back, the campaign gave a mutant to one
    idle worker and then had nothing yet (the embedded model held the other worker's core): it
    waits for that mutant's verdict, which the pool was not counting yet."""
    from fuzzfox.sandbox.pool import NOTHING_YET, take_programs

    first, second = object(), object()
    source = iter([first, NOTHING_YET, second])
    assert list(take_programs(source, 2, waiting_for_verdicts=False)) == [first]  # type: ignore[arg-type]
    assert list(take_programs(source, 2, waiting_for_verdicts=True)) == [second]  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="waits for a verdict while none is due"):
        list(take_programs(iter([NOTHING_YET]), 2, waiting_for_verdicts=False))
