"""The local executor: ``jobs`` sandbox workers, each fed one program at a time.

The campaign process never imports a framework and never runs program code: it starts workers
(``python -m fuzzfox.sandbox.worker``) with a scrubbed environment, sends programs, and gets
verdicts back.  A worker that dies or stops answering is replaced, and the program it held gets
a crash verdict that says so; the rest of the run goes on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from fuzzfox.program import Program
from fuzzfox.sandbox.isolation import Limits, scrubbed_environment
from oracles.verdict import Outcome, Symptom, Verdict

START_TIMEOUT_S = 600.0  # a first compile on an empty cache builds a precompiled header
ANSWER_GRACE_S = 60.0  # on top of the program timeout: fork, teardown, verdict transfer
# A program cannot reach its worker from the sandbox, so a lost worker was killed from outside
# (an OOM kill, a user): the program runs again on a fresh worker before it gets a verdict.
WORKER_LOSSES_TOLERATED = 1


class WorkerStartError(RuntimeError):
    """A worker could not start: bad settings, a missing framework, a broken compiler."""


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(os.environ.get("FUZZFOX_CACHE_DIR") or Path(base) / "fuzzfox")


@dataclasses.dataclass
class PoolConfig:
    target: str
    settings: dict[str, Any]
    jobs: int = 1
    limits: Limits = dataclasses.field(default_factory=Limits)
    cache_dir: Path = dataclasses.field(default_factory=default_cache_dir)
    log_dir: Path | None = None
    # Directories programs must not see (a campaign's own); the cache dir and $HOME always are.
    private_paths: tuple[Path, ...] = ()


class WorkerProcess:
    """One worker subprocess and its JSON-lines protocol."""

    def __init__(self, config: PoolConfig, index: int) -> None:
        self.config = config
        cache = config.cache_dir
        (cache / "tmp").mkdir(parents=True, exist_ok=True)
        env = scrubbed_environment(
            os.environ,
            {
                # Inductor's kernel cache and precompiled header are shared by all workers and
                # runs: they hold compiled kernels, not triggers (FX caches are off in the worker).
                "TORCHINDUCTOR_CACHE_DIR": str(cache / "inductor"),
                "TMPDIR": str(cache / "tmp"),
                "HOME": str(cache / "tmp"),
                "PYTHONHASHSEED": "0",
                "PYTHONDONTWRITEBYTECODE": "1",
                "TF_CPP_MIN_LOG_LEVEL": "2",
            },
        )
        stderr: IO[bytes] | int = subprocess.DEVNULL
        if config.log_dir is not None:
            config.log_dir.mkdir(parents=True, exist_ok=True)
            stderr = open(config.log_dir / f"worker-{index}.log", "ab")  # noqa: SIM115
        self._stderr = stderr
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fuzzfox.sandbox.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            cwd=cache / "tmp",
            start_new_session=True,
        )
        self.info: dict[str, Any] = {}

    def start(self) -> dict[str, Any]:
        self._send(
            {
                "target": self.config.target,
                "settings": self.config.settings,
                "limits": dataclasses.asdict(self.config.limits),
                "private": [str(p) for p in (self.config.cache_dir, *self.config.private_paths)],
            }
        )
        reply = self._receive(START_TIMEOUT_S)
        if reply is None:
            self.kill()
            raise WorkerStartError(self._death_note("the sandbox worker did not start"))
        if "error" in reply:
            self.kill()
            raise WorkerStartError(reply["error"])
        self.info = reply["info"]
        return self.info

    def run(self, program: Program) -> Verdict | None:
        """The program's verdict, or None if the worker died or stopped answering."""
        try:
            self._send({"program": program.to_dict()})
        except (BrokenPipeError, OSError):
            return None
        reply = self._receive(self.config.limits.timeout_s + ANSWER_GRACE_S)
        if reply is None or "verdict" not in reply:
            return None
        return Verdict.from_dict(reply["verdict"])

    def _send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        self.process.stdin.flush()

    def _receive(self, timeout_s: float) -> dict[str, Any] | None:
        stdout = self.process.stdout
        assert stdout is not None
        ready, _, _ = select.select([stdout], [], [], timeout_s)
        if not ready:
            return None
        line = stdout.readline()
        if not line:
            return None
        return json.loads(line)

    def _death_note(self, what: str) -> str:
        code = self.process.poll()
        where = f"; see {self.config.log_dir}" if self.config.log_dir else ""
        return f"{what} (exit status {code}){where}"

    def kill(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        if not isinstance(self._stderr, int):
            self._stderr.close()

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()  # end of input: the worker exits by itself
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        self.kill()


def _lost_worker_verdict() -> Verdict:
    return Verdict(
        Outcome.INVALID,
        f"the sandbox worker died or stopped answering {WORKER_LOSSES_TOLERATED + 1} times "
        "while running this program",
        symptom=Symptom.CRASH,
    )


class NothingYet:
    """The type of :data:`NOTHING_YET`."""

    def __repr__(self) -> str:
        return "NOTHING_YET"


NOTHING_YET = NothingYet()  # from a program source: no program now, ask again after a verdict


def take_programs(
    source: Iterator[Program | NothingYet], idle: int, waiting_for_verdicts: bool
) -> Iterator[Program]:
    """Up to ``idle`` programs from ``source``: fewer when it runs out or has nothing yet.

    Each program taken here is handed to a worker, so its verdict is due too: a source may wait
    for it (the campaign does while the embedded model holds a worker's core).  A source with
    nothing yet while no verdict is due would wait forever: that is its bug."""
    for taken in range(idle):
        program = next(source, None)
        if program is None:
            return
        if isinstance(program, NothingYet):
            if not (waiting_for_verdicts or taken):
                raise RuntimeError("the program source waits for a verdict while none is due")
            return
        yield program


class LocalPool:
    """``jobs`` workers; ``run`` yields (program, verdict) pairs as they finish."""

    def __init__(self, config: PoolConfig) -> None:
        self.config = config
        self.workers: list[WorkerProcess] = []
        self.info: dict[str, Any] = {}

    def start(self) -> dict[str, Any]:
        """Start all workers at once; raise WorkerStartError with the first reason one gave."""
        self.workers = [WorkerProcess(self.config, i) for i in range(self.config.jobs)]
        errors: list[BaseException] = []

        def start(worker: WorkerProcess) -> None:
            try:
                worker.start()
            except WorkerStartError as error:
                errors.append(error)

        threads = [threading.Thread(target=start, args=(w,)) for w in self.workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            self.close()
            raise errors[0]
        self.info = self.workers[0].info
        return self.info

    def run(self, programs: Iterable[Program | NothingYet]) -> Iterator[tuple[Program, Verdict]]:
        """Judge ``programs`` as workers become idle, yielding each with its verdict as it finishes.

        ``programs`` is read lazily, on the caller's thread, one program per idle worker: a
        campaign decides its next program with the verdicts that came back so far, instead of
        leaving a worker idle until the slowest program of a round is judged (a fifth of a
        10-minute campaign's worker time went that way).  An item :data:`NOTHING_YET` means the
        source has no program now: it is asked again after the next verdict."""
        source = iter(programs)
        inboxes: list[queue.Queue[Program | None]] = [queue.Queue() for _ in self.workers]
        results: queue.Queue[tuple[int, Program, Verdict] | BaseException] = queue.Queue()
        stop = threading.Event()
        threads = []
        for slot, inbox in enumerate(inboxes):
            thread = threading.Thread(target=self._serve, args=(slot, inbox, results, stop), daemon=True)
            thread.start()
            threads.append(thread)
        idle = list(reversed(range(len(self.workers))))
        in_flight = 0
        try:
            while True:
                for program in take_programs(source, len(idle), waiting_for_verdicts=in_flight > 0):
                    inboxes[idle.pop()].put(program)
                    in_flight += 1
                if not in_flight:
                    return
                item = results.get()
                if isinstance(item, BaseException):
                    raise item
                slot, program, verdict = item
                idle.append(slot)
                in_flight -= 1
                yield program, verdict
        finally:
            stop.set()
            if in_flight:
                self.kill()  # interrupted: stop now; children die with their workers
            for inbox in inboxes:
                inbox.put(None)
            # Finished: each server has only its end marker left to read, so it returns at once.
            for thread in threads:
                thread.join(timeout=5.0 if in_flight else None)

    def _serve(
        self,
        slot: int,
        inbox: queue.Queue[Program | None],
        results: queue.Queue[tuple[int, Program, Verdict] | BaseException],
        stop: threading.Event,
    ) -> None:
        while not stop.is_set():
            program = inbox.get()
            if program is None:
                return
            verdict = None
            for _ in range(WORKER_LOSSES_TOLERATED + 1):
                verdict = self.workers[slot].run(program)
                if verdict is not None:
                    break
                if stop.is_set():
                    return
                try:
                    self._replace(slot)
                except WorkerStartError as error:
                    results.put(error)
                    return
            results.put((slot, program, verdict or _lost_worker_verdict()))

    def _replace(self, slot: int) -> None:
        self.workers[slot].kill()
        replacement = WorkerProcess(self.config, slot)
        replacement.start()
        self.workers[slot] = replacement

    def close(self) -> None:
        for worker in self.workers:
            worker.close()

    def kill(self) -> None:
        for worker in self.workers:
            worker.kill()


def run_programs(
    config: PoolConfig,
    programs: list[Program],
    on_start: Callable[[dict[str, Any]], None] | None = None,
) -> Iterator[tuple[Program, Verdict]]:
    """Start a pool, judge ``programs``, shut it down: the one-call form of LocalPool."""
    pool = LocalPool(config)
    info = pool.start()
    if on_start:
        on_start(info)
    try:
        yield from pool.run(programs)
    finally:
        pool.close()
