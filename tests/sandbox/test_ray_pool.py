"""The Ray executor: LocalPool's verdicts, recycled and killed actors, start errors, no secrets in Ray.

The first tests need no Ray.  Then one private Ray with 2 CPUs serves the rest of the module,
and every actor takes one CPU, so at most two actors live at once: the tests that make their
own pool come first and close it, then the shared two-actor pool serves the rest.  Worker starts
(torch import and Inductor warm-up, 7-15 s each) take most of the module's time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import uuid

import pytest

from fuzzfox.program import Program
from fuzzfox.sandbox.executor import Executor, ExecutorError, make_executor
from fuzzfox.sandbox.isolation import Limits
from fuzzfox.sandbox.pool import LocalPool, PoolConfig, WorkerStartError
from fuzzfox.sandbox.ray_pool import RayPool, start_local_ray
from oracles.verdict import Outcome, Stage, Symptom, Verdict
from tests.conftest import judge_in_sandbox, program, requires_torch

ray = pytest.importorskip("ray", reason="ray is not installed: pip install 'fuzzfox[ray]'")

# The tests that start sandbox workers take about 2.5 minutes together on 2 cores: marked slow.

CLUSTER_CPUS = 2
FAULTY_BACKENDS = ("aot_eager", "faulty_sigmoid", "faulty_cat_segfault")
SAME_VERDICT_PROGRAMS = (
    "relu_linear.py",
    "sigmoid_gate.py",
    "cat_no_relu.py",
    "eager_raises.py",
    "dropout_training.py",
)
MARKER = f"fuzzfox-ray-test-{uuid.uuid4().hex}"
SECRETS = {"OPENAI_API_KEY": f"sk-{MARKER}", "HF_TOKEN": f"hf_{MARKER}"}


def faulty_config(jobs: int, backends: tuple[str, ...] = FAULTY_BACKENDS) -> PoolConfig:
    return PoolConfig(
        "torch-inductor",
        {"backends": list(backends), "inductor_config": {}},
        jobs=jobs,
        limits=Limits(timeout_s=60),
    )


def essentials(verdict: Verdict) -> tuple:
    """What must agree between executors (timings and output differ run to run)."""
    exception = verdict.exception.type if verdict.exception else None
    return (
        verdict.outcome,
        verdict.symptom,
        verdict.stage,
        verdict.backend,
        verdict.blame,
        verdict.signal,
        verdict.drop_rule,
        exception,
    )


def judge_on(pool: RayPool, programs: list[Program]) -> dict[str, Verdict]:
    return {p.name: v for p, v in pool.run(programs)}


def wait_for_free_cpus(count: int, timeout_s: float = 30.0) -> bool:
    """True once ``count`` CPUs are free: actors of a closed pool give theirs back asynchronously."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if ray.available_resources().get("CPU", 0) >= count:
            return True
        time.sleep(0.5)
    return False


def process_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def processes_holding(text: str) -> list[int]:
    """Processes of ours (but this one) whose environment contains ``text``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                if text.encode() in handle.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


def test_make_executor_names_what_is_wrong_in_one_line() -> None:
    config = faulty_config(jobs=1)
    assert isinstance(make_executor("local", config), LocalPool)
    pool = make_executor("ray", config, recycle_after=5)
    assert isinstance(pool, RayPool) and isinstance(pool, Executor) and pool.recycle_after == 5
    with pytest.raises(ExecutorError, match=r"^unknown executor 'slurm' \(known: local, ray\)$"):
        make_executor("slurm", config)
    with pytest.raises(ExecutorError, match="need the ray executor"):
        make_executor("local", config, recycle_after=10)
    with pytest.raises(ValueError, match="at least 1"):
        make_executor("ray", config, recycle_after=0)


def test_an_address_nobody_answers_at_fails_fast_and_connects_nothing() -> None:
    if ray.is_initialized():
        pytest.skip("this process is already connected to Ray")
    started = time.monotonic()
    with pytest.raises(WorkerStartError, match=r"^no Ray cluster answers at 127\.0\.0\.1:1 "):
        RayPool(faulty_config(jobs=1), address="127.0.0.1:1").start()
    assert time.monotonic() - started < 10
    assert not ray.is_initialized()


@pytest.fixture(scope="module")
def ray_cluster():
    """A private 2-CPU Ray, started while the campaign's environment holds secrets."""
    if ray.is_initialized():
        pytest.fail("this process is already connected to a Ray cluster")
    saved = {key: os.environ.get(key) for key in SECRETS}
    os.environ.update(SECRETS)
    started = time.monotonic()
    start_local_ray(CLUSTER_CPUS)
    print(f"\nRay started in {time.monotonic() - started:.1f} s")
    try:
        yield
    finally:
        ray.shutdown()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def local_verdicts() -> dict[str, Verdict]:
    """The reference: the same programs and settings through LocalPool."""
    programs = [program(name) for name in SAME_VERDICT_PROGRAMS]
    return judge_in_sandbox(programs, backends=FAULTY_BACKENDS, jobs=2)


@requires_torch
@pytest.mark.slow
def test_bad_settings_fail_with_the_workers_own_message(ray_cluster) -> None:
    config = faulty_config(jobs=1, backends=("aot_eager", "no_such_backend"))
    with pytest.raises(WorkerStartError) as local:
        LocalPool(config).start()
    pool = RayPool(config)
    with pytest.raises(WorkerStartError) as remote:
        pool.start()
    assert "unknown backend 'no_such_backend'" in str(remote.value)
    assert str(remote.value) == str(local.value)
    assert pool.actors == [None], "the failed actor was not cleaned up"
    assert ray.is_initialized(), "the pool shut down a Ray it did not start"
    assert wait_for_free_cpus(CLUSTER_CPUS), "the failed actor still holds its CPU"


@requires_torch
@pytest.mark.slow
def test_recycled_actors_still_give_every_program_its_verdict(ray_cluster, local_verdicts) -> None:
    names = ("relu_linear.py", "eager_raises.py", "sigmoid_gate.py")
    assert wait_for_free_cpus(CLUSTER_CPUS)
    pool = RayPool(faulty_config(jobs=2), recycle_after=1)
    pool.start()
    try:
        verdicts = judge_on(pool, [program(name) for name in names])
    finally:
        pool.close()
    assert sorted(verdicts) == sorted(names)
    for name in names:
        assert essentials(verdicts[name]) == essentials(local_verdicts[name]), name
    assert pool.actors_started == len(names), "each program should have run on an actor of its own"
    assert pool.actors == [None, None]
    assert wait_for_free_cpus(CLUSTER_CPUS), "recycled actors did not give their CPUs back"


@pytest.fixture(scope="module")
def shared_pool(ray_cluster, local_verdicts):
    """Two actors, the whole cluster: the tests that need a pool of their own run before this."""
    assert wait_for_free_cpus(CLUSTER_CPUS), "a pool of an earlier test still holds the CPUs"
    pool = RayPool(faulty_config(jobs=2))
    started = time.monotonic()
    info = pool.start()
    print(f"\nRayPool with 2 actors started in {time.monotonic() - started:.1f} s: {info}")
    try:
        yield pool
    finally:
        pool.close()


@requires_torch
@pytest.mark.slow
def test_ray_and_local_give_the_same_verdicts(shared_pool, local_verdicts) -> None:
    started = time.monotonic()
    verdicts = judge_on(shared_pool, [program(name) for name in SAME_VERDICT_PROGRAMS])
    print(f"\n{len(verdicts)} programs on 2 actors in {time.monotonic() - started:.1f} s")
    assert sorted(verdicts) == sorted(SAME_VERDICT_PROGRAMS)
    for name in SAME_VERDICT_PROGRAMS:
        assert essentials(verdicts[name]) == essentials(local_verdicts[name]), name
    # Not vacuous: the faulty backends are caught, on a Ray node, as they are locally.
    wrong = verdicts["sigmoid_gate.py"]
    assert (wrong.outcome, wrong.symptom, wrong.backend) == (
        Outcome.BUG,
        Symptom.WRONG_VALUE,
        "faulty_sigmoid",
    )
    crash = verdicts["cat_no_relu.py"]
    assert (crash.outcome, crash.symptom, crash.stage, crash.signal) == (
        Outcome.BUG,
        Symptom.CRASH,
        Stage.COMPILATION,
        signal.SIGSEGV,
    )
    assert verdicts["eager_raises.py"].outcome is Outcome.INVALID
    assert verdicts["relu_linear.py"].outcome is Outcome.PASS


@requires_torch
@pytest.mark.slow
def test_ray_processes_never_see_the_campaign_secrets(shared_pool) -> None:
    # The check itself works: a process given the environment as it is does show up.
    control = subprocess.Popen(["sleep", "60"], env=dict(os.environ))
    try:
        assert control.pid in processes_holding(MARKER)
    finally:
        control.kill()
        control.wait()
    assert all(actor is not None for actor in shared_pool.actors)
    workers = ray.get([actor.worker_pid.remote() for actor in shared_pool.actors])
    assert all(process_alive(pid) for pid in workers)  # the scan below covers live workers
    assert processes_holding(MARKER) == [], "a Ray process or sandbox worker holds a secret"
    # A fresh Ray worker process (no CPU: the pool holds them all) sees no secret either.
    actor_environment = ray.get(ray.remote(num_cpus=0)(lambda: dict(os.environ)).remote())
    assert not set(SECRETS) & set(actor_environment)


@requires_torch
@pytest.mark.slow
def test_a_killed_actor_loses_nothing(shared_pool) -> None:
    slow = program("slow.py")  # sleeps 8 s while loading
    victim = shared_pool.actors[0]  # the first idle slot gets the first program
    assert victim is not None
    victim_worker = ray.get(victim.worker_pid.remote())
    killer = threading.Timer(3.0, ray.kill, args=(victim,))
    killer.start()
    try:
        verdicts = judge_on(shared_pool, [slow, program("relu_linear.py")])
    finally:
        killer.cancel()
        killer.join()
    assert shared_pool.losses[slow.id] == 1, "the kill did not hit slow.py's actor while it ran"
    assert verdicts["slow.py"].outcome is Outcome.PASS, verdicts["slow.py"].explain()
    assert verdicts["relu_linear.py"].outcome is Outcome.PASS
    assert shared_pool.actors[0] is not None and shared_pool.actors[0] is not victim
    deadline = time.monotonic() + 10
    while process_alive(victim_worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not process_alive(victim_worker), "the killed actor's sandbox worker outlived it"
