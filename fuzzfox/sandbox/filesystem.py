"""The filesystem a program sees: everything read-only, secrets hidden, one size-capped scratch.

Built with the kernel's own tools in the program's new mount namespace (so nothing changes for
any other process), while the sandbox still holds root there:

1. every directory that may hold a secret or another run's files ($HOME, /tmp, /var/tmp, /run,
   the campaign directory and its siblings, fuzzfox's cache) is covered by an empty tmpfs;
2. what the program needs from under those (the interpreter, the virtualenv, every ``sys.path``
   entry) is bound back at its own path;
3. ``/dev`` is replaced by a tmpfs holding only null, zero, full, random, urandom (and a GPU's
   device nodes where present) plus a fresh, small ``/dev/shm``;
4. the whole tree is made read-only, recursively (``mount_setattr``);
5. then the only writable places are mounted: the program's scratch directory, a tmpfs with a
   size cap (owned by the program's user), and the compiler's shared caches (Inductor's kernel
   cache and precompiled headers) seen through copy-on-write overlays whose upper layers live
   in that scratch, so a program reads what was compiled before, and what it writes dies with
   it: no program can poison another's kernels.

Why not bubblewrap: it is not on every machine CI or a user has, and the worker would have to
exec it per program, which loses the fork-from-a-warm-framework that makes the sandbox cheap.
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import os
import pwd
import sys
from pathlib import Path

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 1 << 14, 1 << 18
MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID = 0x1, 0x2
AT_FDCWD, AT_RECURSIVE = -100, 0x8000
SYS_MOUNT_SETATTR = 442  # the same number on every architecture (a syscall added after the split)

DEVICES = ("null", "zero", "full", "random", "urandom")
GPU_DEVICE_PREFIXES = ("nvidia", "dri", "kfd")
STANDARD_LINKS = {
    "fd": "/proc/self/fd",
    "stdin": "/proc/self/fd/0",
    "stdout": "/proc/self/fd/1",
    "stderr": "/proc/self/fd/2",
}
SHM_BYTES = 64 << 20
CACHE_LAYERS = ".fuzzfox-caches"  # inside the scratch: each overlay's upper and work dirs


class _MountAttributes(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


@dataclasses.dataclass(frozen=True)
class FilesystemView:
    """What one program may see and write.  ``owner`` owns the scratch (the program's uid);
    ``caches`` are the compiler's shared caches, each seen copy-on-write; ``emptied`` are
    directories inside them each program sees empty and its own (lock files: a lock the
    campaign's user left would be unwritable, and programs share no files to lock)."""

    scratch: Path
    scratch_bytes: int
    hidden: tuple[Path, ...]
    exposed: tuple[Path, ...]
    caches: tuple[Path, ...]
    emptied: tuple[Path, ...]
    owner: int


def plan_view(
    scratch: Path,
    scratch_bytes: int,
    private: list[Path],
    caches: tuple[Path, ...],
    emptied: tuple[Path, ...],
    owner: int,
) -> FilesystemView:
    """The view for programs of one worker.  ``private``: fuzzfox's own directories (its cache,
    the campaign's), hidden along with the user's home, the shared temp directories and the
    source trees on ``sys.path`` (a project checkout holds old campaigns and credentials);
    the interpreter's installation is shown again unless it lies in ``private`` (``python -m``
    puts the worker's working directory, inside fuzzfox's cache, on ``sys.path``), and every
    top-level package the worker imported is shown again wherever it lies: a program's lazy
    imports need it (the fault benchmark's patched torch lives beside the campaign directory,
    whose parent is private)."""
    private = [p.resolve() for p in private]
    home = Path(pwd.getpwuid(os.geteuid()).pw_dir)
    installed = interpreter_paths()
    sources = imported_sources(installed)
    hidden = {p.resolve() for p in (home, Path("/tmp"), Path("/var/tmp"), Path("/run"), *private)}
    hidden |= {p.parent for p in sources} | set(source_roots(installed))
    exposed = [p for p in installed if not any(_inside(p, q) for q in private)] + list(sources)
    return FilesystemView(
        scratch=scratch,
        scratch_bytes=scratch_bytes,
        hidden=tuple(sorted(hidden - {Path("/")})),
        exposed=tuple(exposed),
        caches=tuple(cache for cache in caches if cache.is_dir()),
        emptied=emptied,
        owner=owner,
    )


def interpreter_paths() -> tuple[Path, ...]:
    """The interpreter's installation and environment: prefixes and the executable's folder."""
    candidates = [
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        os.path.dirname(os.path.realpath(sys.executable)),
    ]
    return tuple(sorted({Path(os.path.realpath(p)) for p in candidates if os.path.isdir(p)}))


def source_roots(installed: tuple[Path, ...]) -> tuple[Path, ...]:
    """``sys.path`` entries outside the interpreter's ``installed`` paths: a checkout installed
    editable, ``PYTHONPATH`` folders."""
    entries = {Path(os.path.realpath(p)) for p in sys.path if p and os.path.isdir(p)}
    return tuple(sorted(p for p in entries if not any(_inside(p, q) for q in installed)))


def imported_sources(installed: tuple[Path, ...]) -> tuple[Path, ...]:
    """The top-level packages (folders) and modules (files) this process imported from outside
    the interpreter's ``installed`` paths (fuzzfox itself, installed editable, and ``oracles``)."""
    found = set()
    for name, module in list(sys.modules.items()):
        where = getattr(module, "__file__", None)
        if "." in name or name == "__main__" or not where:
            continue
        path = Path(os.path.realpath(where))
        if path.name == "__init__.py":
            path = path.parent
        if not any(_inside(path, q) for q in installed):
            found.add(path)
    return tuple(sorted(found))


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(source: str, target: Path, kind: str | None, flags: int, options: str | None) -> None:
    _check(
        _libc().mount(
            source.encode(),
            str(target).encode(),
            kind.encode() if kind else None,
            flags,
            options.encode() if options else None,
        ),
        f"mount {kind or 'bind'} on {target}",
    )


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def _make_read_only(root: Path) -> None:
    attributes = _MountAttributes(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, 0, 0, 0)
    _check(
        _libc().syscall(
            SYS_MOUNT_SETATTR,
            AT_FDCWD,
            str(root).encode(),
            AT_RECURSIVE,
            ctypes.byref(attributes),
            ctypes.sizeof(attributes),
        ),
        f"making {root} read-only",
    )


def _bind_from_fd(fd: int, target: Path) -> None:
    """Bind what ``fd`` (an O_PATH descriptor opened before it was covered) names onto ``target``."""
    _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC, None)


def _hide(directories: list[Path]) -> None:
    for directory in directories:
        if directory.is_dir():
            _mount("tmpfs", directory, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")


def _open_exposed(paths: tuple[Path, ...], hidden: tuple[Path, ...]) -> dict[Path, int]:
    """An O_PATH descriptor for each path a hidden directory would cover, opened before it does."""
    covered = [p for p in paths if any(_inside(p, h) for h in hidden) and p.exists()]
    # A path inside another exposed one comes with it.
    covered = [p for p in covered if not any(q != p and _inside(p, q) for q in covered)]
    return {p: os.open(p, os.O_PATH) for p in covered}


def _device_descriptors() -> dict[str, int]:
    names = [name for name in DEVICES if os.path.exists(f"/dev/{name}")]
    names += [n for n in sorted(os.listdir("/dev")) if n.startswith(GPU_DEVICE_PREFIXES)]
    return {name: os.open(f"/dev/{name}", os.O_PATH) for name in names}


def _mountpoint_like(target: Path, fd: int) -> None:
    """An empty folder or file at ``target`` to bind what ``fd`` names onto."""
    if os.path.isdir(f"/proc/self/fd/{fd}"):
        target.mkdir(parents=True, exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()


def _minimal_dev(devices: dict[str, int]) -> None:
    _mount("tmpfs", Path("/dev"), "tmpfs", MS_NOSUID | MS_NOEXEC, "size=1m,mode=0755")
    for name, fd in devices.items():
        target = Path("/dev") / name
        _mountpoint_like(target, fd)
        _bind_from_fd(fd, target)
    for name, destination in STANDARD_LINKS.items():
        os.symlink(destination, f"/dev/{name}")
    Path("/dev/shm").mkdir()


def enter(view: FilesystemView) -> None:
    """Build ``view`` in this process's (new, private) mount namespace.  Raises OSError."""
    _mount("none", Path("/"), None, MS_REC | MS_PRIVATE, None)
    # A hidden directory inside an exposed one is hidden after the exposure; one that is or
    # holds an exposed path (a campaign directory beside the virtualenv's) is not hidden.
    hidden = tuple(h for h in view.hidden if not any(_inside(h, e) for e in view.exposed))
    late_hidden = [h for h in view.hidden if h not in hidden and not any(_inside(e, h) for e in view.exposed)]
    lowers = {cache: os.open(cache, os.O_PATH | os.O_DIRECTORY) for cache in view.caches}
    exposed = _open_exposed(view.exposed, hidden)
    devices = _device_descriptors()
    _hide(sorted(hidden))
    for path, fd in exposed.items():
        _mountpoint_like(path, fd)
        _bind_from_fd(fd, path)
    _hide(sorted(late_hidden))
    _minimal_dev(devices)
    for directory in (view.scratch, *view.caches):
        directory.mkdir(parents=True, exist_ok=True)
    _make_read_only(Path("/"))
    _mount(
        "tmpfs",
        view.scratch,
        "tmpfs",
        MS_NOSUID | MS_NODEV,
        f"size={view.scratch_bytes},mode=0700,uid={view.owner},gid={view.owner}",
    )
    _mount("tmpfs", Path("/dev/shm"), "tmpfs", MS_NOSUID | MS_NODEV, f"size={SHM_BYTES},mode=1777")
    for index, (cache, lower) in enumerate(lowers.items()):
        _copy_on_write(cache, lower, view.scratch / CACHE_LAYERS / str(index), view.owner)
    for index, directory in enumerate(view.emptied):
        own = view.scratch / CACHE_LAYERS / f"empty-{index}"
        own.mkdir(parents=True)
        os.chown(own, view.owner, view.owner)
        directory.mkdir(parents=True, exist_ok=True)
        _mount(str(own), directory, None, MS_BIND, None)
    os.chdir(view.scratch)
    for fd in [*exposed.values(), *devices.values(), *lowers.values()]:
        os.close(fd)


def _copy_on_write(cache: Path, lower: int, layers: Path, owner: int) -> None:
    """A shared cache, writable by the program, its writes kept in ``layers`` (in the scratch)."""
    (layers / "upper").mkdir(parents=True)
    (layers / "work").mkdir()
    _mount(
        "overlay",
        cache,
        "overlay",
        MS_NOSUID | MS_NODEV,
        f"lowerdir=/proc/self/fd/{lower},upperdir={layers / 'upper'},workdir={layers / 'work'}",
    )
    # The program writes new kernels into directories the campaign's user owns: owning their
    # copies (a metadata-only copy-up into the upper layer) lets it, and changes nothing below.
    for directory, _, _ in os.walk(cache):
        os.chown(directory, owner, owner)
