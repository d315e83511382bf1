"""One interface for judging programs in sandbox workers, on this machine or on a Ray cluster.

A campaign sees only an ``Executor``: ``start()`` its workers (their info comes back),
``run()`` programs and get ``(program, verdict)`` pairs as they finish, ``close()`` when done,
``kill()`` to stop at once.  ``make_executor`` picks the implementation: ``local`` is LocalPool
(``jobs`` worker subprocesses here), ``ray`` is RayPool (one Ray actor per job, each owning a
worker on its node).  Neither imports a framework in the campaign process; ray is imported
only when a Ray executor starts.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator
from typing import Any, Protocol, runtime_checkable

from fuzzfox.program import Program
from fuzzfox.sandbox.pool import LocalPool, NothingYet, PoolConfig
from oracles.verdict import Verdict

EXECUTOR_KINDS = ("local", "ray")
RAY_INSTALL_HINT = "pip install 'fuzzfox[ray]'"


class ExecutorError(ValueError):
    """An executor that cannot be made here; the message is one line that says why."""


@runtime_checkable
class Executor(Protocol):
    def start(self) -> dict[str, Any]:
        """Start the workers; their info (framework version, isolation).  Raises WorkerStartError."""
        ...

    def run(self, programs: Iterable[Program | NothingYet]) -> Iterator[tuple[Program, Verdict]]:
        """Judge ``programs``, yielding each with its verdict as it finishes (in no fixed order).

        ``programs`` is read lazily, on the caller's thread, one program per idle worker; an item
        :data:`~fuzzfox.sandbox.pool.NOTHING_YET` means none now (asked again after a verdict)."""
        ...

    def close(self) -> None:
        """Let the workers finish and exit."""
        ...

    def kill(self) -> None:
        """Stop every worker now (an interrupted run)."""
        ...


def make_executor(
    kind: str,
    config: PoolConfig,
    *,
    ray_address: str | None = None,
    recycle_after: int | None = None,
) -> Executor:
    """The executor ``kind`` names, not started yet.

    ``ray_address`` (None: a private Ray on this machine, or the one this process is already
    connected to; ``auto``: the cluster ``ray start`` made here; ``HOST:PORT``) and
    ``recycle_after`` (replace a worker after that many programs) are Ray options: LocalPool
    replaces a worker only when it dies, so asking it for either is an error, not a silent no-op.
    """
    if recycle_after is not None and recycle_after < 1:
        raise ExecutorError(f"recycle_after must be at least 1, not {recycle_after}")
    if kind == "local":
        if ray_address is not None or recycle_after is not None:
            raise ExecutorError("ray_address and recycle_after need the ray executor, not local")
        return LocalPool(config)
    if kind == "ray":
        if importlib.util.find_spec("ray") is None:
            raise ExecutorError(f"ray is not installed: {RAY_INSTALL_HINT}")
        from fuzzfox.sandbox.ray_pool import RayPool

        return RayPool(config, address=ray_address, recycle_after=recycle_after)
    raise ExecutorError(f"unknown executor {kind!r} (known: {', '.join(EXECUTOR_KINDS)})")
