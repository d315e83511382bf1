"""The sandbox worker: imports a framework once, then forks one isolated child per program.

Started by the pool as ``python -m fuzzfox.sandbox.worker`` with a scrubbed environment; speaks
JSON lines on stdin/stdout.  First line in: ``{"target", "settings", "limits"}``; first line out:
``{"ready": true, "info": {...}}`` or ``{"error": "..."}``.  Then one request per line
(``{"program": {...}}``), one ``{"verdict": {...}}`` per line back.  A child that crashes, hangs
or runs out of memory becomes a verdict; the worker itself carries on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from fuzzfox.program import Program
from fuzzfox.sandbox.filesystem import plan_view
from fuzzfox.sandbox.isolation import (
    SANDBOX_UID_BASE,
    Confinement,
    Limits,
    apply_limits,
    choose_confinement,
    die_with_parent,
    run_isolated,
)
from fuzzfox.targets import SettingsError, Target, get_target
from oracles.judge import verdict_from_abnormal_exit
from oracles.phases import PhaseLog, last_phase
from oracles.verdict import Verdict

PHASE_FD = 3
VERDICT_FD = 4  # the verdict leaves through a descriptor: the program's directory is its own tmpfs
OUTPUT_TAIL = 4000
VERDICT_FILE = "verdict.json"
PHASE_FILE = "phase.log"
OUTPUT_FILE = "output.txt"


def wait_with_timeout(pid: int, timeout_s: float) -> int | None:
    """The child's wait status, or None if it is still running after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            if pidfd is not None:
                select.select([pidfd], [], [], remaining)
            else:
                time.sleep(min(0.05, remaining))
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _tail(path: Path, limit: int = OUTPUT_TAIL) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-limit:].decode("utf-8", "replace")


class Worker:
    def __init__(
        self,
        target: Target,
        settings: dict[str, Any],
        limits: Limits,
        scratch: Path,
        confinement: Confinement,
    ) -> None:
        self.target = target
        self.settings = settings
        self.limits = limits
        self.scratch = scratch
        self.confinement = confinement

    def run(self, program: Program) -> Verdict:
        private = Path(tempfile.mkdtemp(prefix="program-", dir=self.scratch))
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            self._child(program, private)
        status = wait_with_timeout(pid, self.limits.timeout_s)
        timed_out = status is None
        _kill_group(pid)
        if timed_out:
            _, status = os.waitpid(pid, 0)
        verdict = self._collect(private, status, timed_out, time.monotonic() - started)
        shutil.rmtree(private, ignore_errors=True)
        return verdict

    def _collect(self, private: Path, status: int, timed_out: bool, seconds: float) -> Verdict:
        output = _tail(private / OUTPUT_FILE)
        verdict_path = private / VERDICT_FILE
        if not timed_out and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            try:
                verdict = Verdict.from_json(verdict_path.read_text())
                verdict.output_tail = output
                return verdict
            except (OSError, ValueError, KeyError, TypeError):
                pass  # fall through: a child that exits 0 without a verdict is a crash too
        return verdict_from_abnormal_exit(
            last_phase(_tail(private / PHASE_FILE)),
            timed_out=timed_out,
            signal_number=os.WTERMSIG(status) if not timed_out and os.WIFSIGNALED(status) else None,
            exit_code=os.WEXITSTATUS(status) if not timed_out and os.WIFEXITED(status) else None,
            output_tail=output,
            seconds=seconds,
            layers=self.target.frontend_layers,
        )

    def _child(self, program: Program, private: Path) -> None:
        """In the forked child: isolate, then judge the program; never returns."""
        try:
            os.setsid()
            die_with_parent()
            for number in (signal.SIGTERM, signal.SIGINT, signal.SIGPIPE):
                signal.signal(number, signal.SIG_DFL)
            apply_limits(self.limits)
            _redirect_io(private)
            os.chdir(private)
            os.environ["HOME"] = os.environ["TMPDIR"] = str(private)
            if self.confinement.uid is not None:  # getpass.getuser() asks the environment first
                os.environ["USER"] = os.environ["LOGNAME"] = "fuzzfox-sandbox"
            tempfile.tempdir = str(private)
            confinement = self.confinement
            if confinement.view is not None:
                confinement = dataclasses.replace(
                    confinement, view=dataclasses.replace(confinement.view, scratch=private)
                )
        except BaseException:
            os._exit(72)
        run_isolated(lambda: self._judge(program), confinement)

    def _judge(self, program: Program) -> None:
        verdict = self.target.run_program(program, self.settings, PhaseLog(PHASE_FD))
        data = verdict.to_json().encode()
        while data:
            data = data[os.write(VERDICT_FD, data) :]
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _redirect_io(private: Path) -> None:
    """stdin from /dev/null, stdout+stderr to a file, the phase log on fd 3, the verdict on fd 4,
    nothing else open.

    Closing every other descriptor matters: the worker's protocol pipes must not be reachable
    from the program, or it could forge verdicts for other programs.
    """
    devnull = os.open(os.devnull, os.O_RDONLY)
    output = os.open(private / OUTPUT_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    phase = os.open(private / PHASE_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    verdict = os.open(private / VERDICT_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(devnull, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.dup2(phase, PHASE_FD)
    os.dup2(verdict, VERDICT_FD)
    os.closerange(VERDICT_FD + 1, os.sysconf("SC_OPEN_MAX"))


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _send(stream: IO[str], message: dict[str, Any]) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


def main() -> int:
    # Our stdout is the protocol; anything else printed (framework warnings) goes to stderr.
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    hello = json.loads(sys.stdin.readline())
    scratch = Path(tempfile.mkdtemp(prefix="fuzzfox-worker-"))
    try:
        target = get_target(hello["target"])
        info = target.prepare_worker(hello["settings"])
    except (SettingsError, ValueError) as error:
        _send(protocol, {"error": str(error)})
        return 2
    limits = Limits(**hello["limits"])
    if limits.confine:
        uid = SANDBOX_UID_BASE + os.getpid() if os.geteuid() == 0 else None
        view = plan_view(
            Path(tempfile.mkdtemp(prefix="probe-", dir=scratch)),
            limits.scratch_bytes,
            [scratch.parent, *map(Path, hello.get("private", []))],
            target.compiler_caches(),
            target.compiler_lock_dirs(),
            uid if uid is not None else os.geteuid(),
        )
        confinement, info["isolation"] = choose_confinement(view, uid)
    else:
        confinement, info["isolation"] = Confinement(None, None), "partial (confinement turned off)"
    _send(protocol, {"ready": True, "info": info})
    worker = Worker(target, hello["settings"], limits, scratch, confinement)
    try:
        for line in sys.stdin:
            request = json.loads(line)
            verdict = worker.run(Program.from_dict(request["program"]))
            _send(protocol, {"verdict": verdict.to_dict()})
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    # Nothing of this process outlives it: skip the interpreter's teardown (framework atexit
    # hooks, thread pools), which takes seconds with torch loaded and delays every pool close.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
