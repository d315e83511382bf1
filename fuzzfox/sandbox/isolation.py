"""What keeps an untrusted program from hurting the campaign or seeing its secrets.

- A scrubbed environment: workers start from an allow-list, so no API key or token of any kind
  is inherited (a deny-list would miss a name nobody thought of).
- Linux namespaces for each program: a new PID namespace with its own ``/proc`` (the program
  cannot read other processes' ``/proc/PID/environ``, where a user's shell keeps its keys), a
  new network namespace (no network), a new mount and IPC namespace; a user namespace as well
  when not running as root.  When the program's process ends, the kernel kills everything it
  left in its namespace.  Where the kernel refuses namespaces, programs still run, and the
  worker reports ``isolation: none``.
- Resource limits: address space (a 100 GB allocation fails instead of swapping), CPU seconds,
  file size, no core files, and a private working and temp directory.
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

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 1 << 14, 1 << 18
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38

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


def run_isolated(body: Callable[[], None]) -> NoReturn:
    """Run ``body`` in new namespaces; never returns.  Call it in a freshly forked child.

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
        _run_body(body)
    if uid != 0:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    status_read, status_write = os.pipe()
    init = os.fork()
    if init == 0:
        os.close(status_read)
        _namespace_init(body, status_write)
    os.close(status_write)
    _, init_status = os.waitpid(init, 0)
    reported = os.read(status_read, 32)
    _end_like(int(reported) if reported else init_status)


def _namespace_init(body: Callable[[], None], status_write: int) -> NoReturn:
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
        _run_body(body)
    _, status = os.waitpid(program, 0)
    os.write(status_write, str(status).encode())
    os._exit(0)  # init leaving ends every process left in the namespace


def _end_like(status: int) -> NoReturn:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    os._exit(os.waitstatus_to_exitcode(status))


def _run_body(body: Callable[[], None]) -> NoReturn:
    _c().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    try:
        body()
    except BaseException:
        traceback.print_exc()
    os._exit(70)  # body exits itself on success; getting here means it failed


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
