"""What keeps an untrusted program from hurting the campaign or seeing its secrets.

- A scrubbed environment: workers start from an allow-list, so no API key or token of any kind
  is inherited (a deny-list would miss a name nobody thought of).
- Linux namespaces for each program: a new PID namespace with its own ``/proc`` (the program
  cannot read other processes' ``/proc/PID/environ``, where a user's shell keeps its keys), a
  new network namespace (no network), a new mount and IPC namespace; a user namespace as well
  when not running as root.  When the program's process ends, the kernel kills everything it
  left in its namespace.  Where the kernel refuses namespaces, programs still run, and the
  worker reports ``isolation: none``.
- A confined filesystem (``filesystem.py``): read-only everywhere, secrets and other runs
  hidden, a size-capped scratch as the working, home and temp directory.
- An unprivileged user: when fuzzfox runs as root, each worker's programs run as a uid of their
  own (no name, no groups, no capabilities), so root-only files stay unreadable and the process
  cap counts only that worker's program.
- Resource limits: address space (a 100 GB allocation fails instead of swapping), CPU seconds,
  file size, processes and threads, no core files.

Where the kernel refuses a part, programs still run with what it allows, and the worker says
which part is missing (``isolation: partial (...)`` or ``none (...)``, shown by ``fuzzfox
status`` and the report).
"""

from __future__ import annotations

import ctypes
import dataclasses
import os
import resource
import signal
import traceback
from collections.abc import Callable
from typing import NoReturn

from fuzzfox.sandbox.filesystem import FilesystemView, enter

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 1 << 14, 1 << 18
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4  # setuid clears it, which would make /proc/self/fd root's
PR_SET_NO_NEW_PRIVS = 38
SANDBOX_UID_BASE = 1_500_000_000  # + the worker's pid: a uid no account on the machine has

# Names a program may inherit; everything else in the campaign's environment stays behind.
ALLOWED_ENVIRONMENT = frozenset(
    {"PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "CC", "CXX", "LD_LIBRARY_PATH", "PYTHONPATH", "VIRTUAL_ENV"}
)


@dataclasses.dataclass(frozen=True)
class Limits:
    timeout_s: float = 180.0
    memory_bytes: int = 16 << 30  # address space; torch maps ~3-4 GB before any work
    file_bytes: int = 1 << 30
    open_files: int = 1024
    scratch_bytes: int = 1 << 30  # the program's writable tmpfs: its files and compiled kernels
    processes: int = 512  # processes and threads of one program (only enforced for a non-root uid)
    confine: bool = True  # filesystem view and uid drop; off: namespaces only (to measure the cost)


@dataclasses.dataclass(frozen=True)
class Confinement:
    """How far one program is shut in, beyond the namespaces.

    ``view`` None leaves the filesystem as it is; ``uid`` None keeps the worker's user.
    """

    view: FilesystemView | None
    uid: int | None


def scrubbed_environment(parent: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in parent.items() if key in ALLOWED_ENVIRONMENT}
    env.update(extra)
    return env


def apply_limits(limits: Limits) -> None:
    def cap(kind: int, value: int) -> None:
        _, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, value))

    cap(resource.RLIMIT_AS, limits.memory_bytes)
    cpu = int(limits.timeout_s) + 5
    _, hard_cpu = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(
        resource.RLIMIT_CPU, (cpu, cpu + 5 if hard_cpu == resource.RLIM_INFINITY else min(cpu + 5, hard_cpu))
    )
    cap(resource.RLIMIT_FSIZE, limits.file_bytes)
    cap(resource.RLIMIT_NOFILE, limits.open_files)
    cap(resource.RLIMIT_NPROC, limits.processes)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


_libc: ctypes.CDLL | None = None


def _c() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _unshare(flags: int) -> bool:
    return _c().unshare(flags) == 0


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _mount_private_proc() -> None:
    libc = _c()
    if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        raise OSError(ctypes.get_errno(), "making mounts private failed")
    if libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None) != 0:
        raise OSError(ctypes.get_errno(), "mounting a private /proc failed")


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when its parent dies, so nothing is orphaned."""
    parent = os.getppid()
    _c().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def run_isolated(body: Callable[[], None], confinement: Confinement) -> NoReturn:
    """Run ``body`` in new namespaces, confined; never returns.  Call it in a freshly forked child.

    The first process in a new PID namespace is its init, and the kernel ignores signals an
    init sends itself (``os.abort()`` would surface as a segfault).  So a minimal init (PID 1)
    mounts the private ``/proc`` and runs ``body`` in PID 2, then reports PID 2's wait status
    through a pipe; this process then ends exactly as PID 2 did (same exit code or signal).
    """
    uid, gid = os.geteuid(), os.getegid()
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC
    if uid != 0:
        flags |= CLONE_NEWUSER
    if not _unshare(flags):
        _run_body(body, None)
    if uid != 0:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    if confinement.view is not None:
        try:
            enter(confinement.view)
        except OSError as error:
            os.write(2, f"fuzzfox sandbox: {error}\n".encode())
            os._exit(71)
    status_read, status_write = os.pipe()
    init = os.fork()
    if init == 0:
        os.close(status_read)
        _namespace_init(body, confinement.uid, status_write)
    os.close(status_write)
    _, init_status = os.waitpid(init, 0)
    reported = os.read(status_read, 32)
    _end_like(int(reported) if reported else init_status)


def _namespace_init(body: Callable[[], None], uid: int | None, status_write: int) -> NoReturn:
    die_with_parent()
    try:
        _mount_private_proc()
    except OSError as error:
        os.write(2, f"fuzzfox sandbox: {error}\n".encode())
        os._exit(71)
    program = os.fork()
    if program == 0:
        os.close(status_write)
        die_with_parent()
        _run_body(body, uid)
    _, status = os.waitpid(program, 0)
    os.write(status_write, str(status).encode())
    os._exit(0)  # init leaving ends every process left in the namespace


def _end_like(status: int) -> NoReturn:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    os._exit(os.waitstatus_to_exitcode(status))


def _run_body(body: Callable[[], None], uid: int | None) -> NoReturn:
    _c().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    try:
        if uid is not None:
            _become(uid)
        body()
    except BaseException:
        traceback.print_exc()
    os._exit(70)  # body exits itself on success; getting here means it failed


def _become(uid: int) -> None:
    """Drop to ``uid`` for good: no supplementary groups, no way back, no capabilities left."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    _c().prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)


def namespaces_available() -> bool:
    """Try, in a throwaway child, whether this kernel lets us isolate programs."""
    pid = os.fork()
    if pid == 0:
        flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC
        if os.geteuid() != 0:
            flags |= CLONE_NEWUSER
        os._exit(0 if _unshare(flags) else 1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def choose_confinement(view: FilesystemView, uid: int | None) -> tuple[Confinement, str]:
    """The strongest confinement this machine allows, and how to describe it to the user.

    Tries, each in a throwaway child that checks a program could still work (what the view
    exposes readable, the scratch and caches writable, /dev/null there): the view and the uid,
    then the view as the current user, then the namespaces alone.
    """
    if not namespaces_available():
        return Confinement(None, None), "none (the kernel refuses new namespaces)"
    attempts = [
        (Confinement(view, uid), "full"),
        (Confinement(view, None), "partial (programs run as root: {reason})"),
        (Confinement(None, None), "partial (filesystem not confined: {reason})"),
    ]
    if uid is None:  # not root: programs already run as the campaign's unprivileged user
        attempts = attempts[1:]
        attempts[0] = (attempts[0][0], "full")
    previous = ""
    for confinement, label in attempts:
        reason = _try_confinement(confinement)
        if not reason:
            return confinement, label.format(reason=previous)
        previous = reason
    return Confinement(None, None), f"partial (filesystem not confined: {previous})"


def _try_confinement(confinement: Confinement) -> str:
    """Empty if a program confined so could run; else what failed."""
    report_read, report_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(report_read)

        def check() -> None:
            try:
                _check_usable(confinement)
            except OSError as error:
                os.write(report_write, str(error).encode()[:500])
                os._exit(1)
            os._exit(0)

        die_with_parent()
        os.dup2(report_write, 2)  # where run_isolated says why it could not build the view
        run_isolated(check, confinement)
    os.close(report_write)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(report_read, "rb") as report:
        message = report.read().decode(errors="replace")
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return ""
    message = message.strip().removeprefix("fuzzfox sandbox: ")
    return message or f"the confined test program ended with status {status}"


def _check_usable(confinement: Confinement) -> None:
    if confinement.uid is not None and os.geteuid() != confinement.uid:
        raise OSError(0, f"still uid {os.geteuid()}")
    with open(os.devnull, "w") as null:
        null.write("x")
    view = confinement.view
    if view is None:
        return
    for path in view.exposed:
        if path.is_dir():
            os.listdir(path)
        else:
            path.open("rb").close()
    for directory in (view.scratch, *view.caches):
        probe = directory / ".fuzzfox-write-check"
        probe.write_text("x")
        probe.unlink()
