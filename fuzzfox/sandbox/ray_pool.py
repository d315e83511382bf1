"""The Ray executor: LocalPool's interface, with each sandbox worker owned by a Ray actor.

The campaign process (the Ray driver, on the head) keeps the store and never imports a
framework.  Each of ``jobs`` actors (1 CPU each) starts one sandbox worker on its node, the
same ``python -m fuzzfox.sandbox.worker`` LocalPool runs, and judges one program per call; the
verdict comes back as a dict.  The head hands out programs as actors free up (``ray.wait``)
and yields verdicts as they finish.

Losses: an actor that dies (killed, out of memory, its node gone) or whose worker stops
answering costs its program one try; the program goes back to the front of the queue, on a new
actor, and after ``WORKER_LOSSES_TOLERATED + 1`` losses it gets LocalPool's crash verdict.
``recycle_after`` replaces an actor (and its worker) after that many programs, which bounds
what a long campaign can leak into one process.

Secrets: the sandbox worker never sees the actor's environment beyond the allow-list
(``WorkerProcess`` builds it with ``scrubbed_environment``, so neither the campaign's keys nor
Ray's own ``RAY_*`` variables reach a program).  Ray itself would otherwise hold the keys:
``ray.init`` copies the driver's environment into every process it starts, so a local Ray is
started from a narrowed environment (``start_local_ray``).  A cluster started elsewhere has
whatever environment its nodes were started with.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import logging
import os
import socket
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from fuzzfox.program import Program
from fuzzfox.sandbox.isolation import ALLOWED_ENVIRONMENT
from fuzzfox.sandbox.pool import (
    START_TIMEOUT_S,
    WORKER_LOSSES_TOLERATED,
    NothingYet,
    PoolConfig,
    WorkerProcess,
    WorkerStartError,
    _lost_worker_verdict,
    default_cache_dir,
    take_programs,
)
from oracles.verdict import Verdict

if TYPE_CHECKING:
    from ray import ObjectRef
    from ray.actor import ActorClass, ActorHandle

CONNECT_TIMEOUT_S = 5.0
CLOSE_GRACE_S = 20.0  # a worker told to finish exits at once; this bounds a stuck one
OBJECT_STORE_BYTES = 256 << 20  # verdicts are a few KB; Ray's default takes 30% of memory
# What Ray's own processes inherit when this module starts a local Ray: the sandbox's
# allow-list, what locates the user's cache (default_cache_dir runs in the actors), Ray's own
# settings, and nothing else.
RAY_ENVIRONMENT = ALLOWED_ENVIRONMENT | {
    "HOME",
    "USER",
    "LOGNAME",
    "TMPDIR",
    "XDG_CACHE_HOME",
    "FUZZFOX_CACHE_DIR",
}
RAY_SETTINGS_PREFIX = "RAY_"


def ray_environment(parent: Mapping[str, str]) -> dict[str, str]:
    """The environment a locally started Ray gets: the allow-list, Ray's settings, no telemetry."""
    env = {k: v for k, v in parent.items() if k in RAY_ENVIRONMENT or k.startswith(RAY_SETTINGS_PREFIX)}
    env.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    return env


@contextlib.contextmanager
def _environment_narrowed_to(env: dict[str, str]) -> Iterator[None]:
    """Make ``os.environ`` exactly ``env`` for the duration, then restore it.

    ``ray.init`` has no parameter for its processes' environment: they get a copy of
    ``os.environ``.  Another thread reading a key during this window would miss it; starting a
    pool is done before a campaign's threads need their keys.
    """
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def start_local_ray(num_cpus: int) -> None:
    """Start a private Ray on this machine (never joining another), quiet, without the secrets."""
    import ray

    with _environment_narrowed_to(ray_environment(os.environ)):
        ray.init(
            address="local",
            num_cpus=num_cpus,
            include_dashboard=False,
            object_store_memory=OBJECT_STORE_BYTES,
            logging_level=logging.ERROR,
            log_to_driver=False,  # worker logs go to their files; stderr is the campaign's progress
        )


def connect_ray(address: str | None, num_cpus: int) -> bool:
    """Make sure this process is a Ray driver; True when this call connected (or started) it.

    Already connected: that Ray is used as it is.  ``address=None`` starts a private local Ray
    with ``num_cpus`` CPUs; any other address (``auto``, ``HOST:PORT``, ``ray://...``) joins it.
    """
    import ray

    if ray.is_initialized():
        return False
    if address is None:
        start_local_ray(num_cpus)
        return True
    _check_reachable(address)
    try:
        ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
    except ConnectionError as error:
        raise WorkerStartError(f"cannot connect to Ray at {address}: {error}") from None
    return True


def _check_reachable(address: str) -> None:
    """Fail fast on a ``HOST:PORT`` nobody listens at: ``ray.init`` would retry for minutes."""
    host, _, port = address.rpartition(":")
    if "://" in address or not host or not port.isdigit():
        return  # "auto", or a Ray Client address: ray.init says itself what is wrong
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as error:
        raise WorkerStartError(
            f"no Ray cluster answers at {address} ({error.strerror or error}); "
            "start one there with `ray start --head`"
        ) from None


def _node_config(config: PoolConfig) -> PoolConfig:
    """The head's settings with this node's paths: its default cache, logs only where writable."""
    log_dir = config.log_dir
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            log_dir = None
    return dataclasses.replace(config, jobs=1, cache_dir=default_cache_dir(), log_dir=log_dir)


class SandboxActor:
    """Lives in a Ray actor: one sandbox worker on this node, one program per call.

    Replies are plain dicts: ``{"verdict": ...}``; ``{"lost": True}`` when the worker died or
    stopped answering (it is killed, and the next call starts a fresh one); ``{"error": ...}``
    when a worker cannot start, with the worker's own message.  A reply from a call that had
    to start the worker also carries ``"started": {"info", "node"}``.
    """

    def __init__(self, config: PoolConfig, slot: int) -> None:
        self.config = _node_config(config)
        self.slot = slot
        self.worker: WorkerProcess | None = None

    def start(self) -> dict[str, Any]:
        if self.worker is not None:
            return {"started": self._started()}
        try:
            worker = WorkerProcess(self.config, self.slot)
        except OSError as error:
            return {"error": f"cannot start a sandbox worker on {socket.gethostname()}: {error}"}
        try:
            worker.start()
        except WorkerStartError as error:
            return {"error": str(error)}
        self.worker = worker
        return {"started": self._started()}

    def run(self, program: dict[str, Any]) -> dict[str, Any]:
        reply = self.start() if self.worker is None else {}
        if self.worker is None:
            return reply
        verdict = self.worker.run(Program.from_dict(program))
        if verdict is None:
            self.worker.kill()
            self.worker = None
            return {**reply, "lost": True}
        return {**reply, "verdict": verdict.to_dict()}

    def worker_pid(self) -> int | None:
        return self.worker.process.pid if self.worker is not None else None

    def stop(self) -> None:
        """Let the worker exit by itself (it removes its scratch directory), then end the actor."""
        import ray

        if self.worker is not None:
            self.worker.close()
            self.worker = None
        ray.actor.exit_actor()

    def _started(self) -> dict[str, Any]:
        assert self.worker is not None
        return {"info": self.worker.info, "node": socket.gethostname()}


_actor_class: ActorClass | None = None


def _remote_sandbox_actor() -> ActorClass:
    global _actor_class
    if _actor_class is None:
        import ray

        # One CPU each: ``jobs`` actors need ``jobs`` CPUs.  No restarts: a lost actor's
        # program is re-queued by the head, which counts the losses.
        _actor_class = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(SandboxActor)
    return _actor_class


class RayPool:
    """``config.jobs`` sandbox actors on a Ray cluster; ``run`` yields (program, verdict) as they finish.

    ``actors`` holds each slot's actor (None until a slot needs a new one); ``actors_started``
    counts every actor made, replacements included; ``losses`` counts, by program id, the
    workers lost while running that program.
    """

    def __init__(
        self, config: PoolConfig, address: str | None = None, recycle_after: int | None = None
    ) -> None:
        if recycle_after is not None and recycle_after < 1:
            raise ValueError(f"recycle_after must be at least 1, not {recycle_after}")
        self.config = config
        self.address = address
        self.recycle_after = recycle_after
        self.actors: list[ActorHandle | None] = [None] * config.jobs
        self.info: dict[str, Any] = {}
        self.actors_started = 0
        self.losses: collections.Counter[str] = collections.Counter()
        self._first_node = ""
        self._runs_on_actor = [0] * config.jobs
        self._retiring: list[tuple[ActorHandle, ObjectRef]] = []
        self._connected = False
        self._owns_connection = False

    def start(self) -> dict[str, Any]:
        """Start every actor's worker at once; raise WorkerStartError with the first reason given."""
        self._owns_connection = connect_ray(self.address, self.config.jobs)
        self._connected = True
        try:
            self.actors = [self._new_actor(slot) for slot in range(self.config.jobs)]
            for reply in self._start_replies([actor.start.remote() for actor in self.actors]):
                if "error" in reply:
                    raise WorkerStartError(reply["error"])
                self._check_started(reply["started"])
        except BaseException:
            self.kill()
            self._disconnect()
            raise
        return self.info

    def _start_replies(self, refs: list[ObjectRef]) -> list[dict[str, Any]]:
        import ray
        from ray.exceptions import RayActorError

        ready, _ = ray.wait(refs, num_returns=len(refs), timeout=START_TIMEOUT_S)
        if len(ready) < len(refs):
            cpus = ray.cluster_resources().get("CPU", 0)
            raise WorkerStartError(
                f"only {len(ready)} of {len(refs)} sandbox actors started within {START_TIMEOUT_S:.0f} s "
                f"(each needs 1 CPU; the Ray cluster has {cpus:g})"
            )
        try:
            return ray.get(refs)
        except RayActorError as error:
            first_line = str(error).strip().splitlines()[0]
            raise WorkerStartError(
                f"a Ray actor died while starting its sandbox worker: {first_line}"
            ) from None

    def _check_started(self, started: dict[str, Any]) -> None:
        """Every worker must agree with the first (verdicts are keyed by the framework version)."""
        if not self.info:
            self.info, self._first_node = started["info"], started["node"]
        elif started["info"] != self.info:
            raise WorkerStartError(
                f"the sandbox worker on {started['node']} reports {started['info']}, but the one on "
                f"{self._first_node} reported {self.info}: the Ray nodes differ"
            )

    def run(self, programs: Iterable[Program | NothingYet]) -> Iterator[tuple[Program, Verdict]]:
        """As :meth:`LocalPool.run`: ``programs`` is read lazily, one program per idle slot."""
        import ray

        source = iter(programs)
        waiting: collections.deque[Program] = collections.deque()  # to run again after a lost worker
        in_flight: dict[ObjectRef, tuple[int, Program]] = {}
        losses: collections.Counter[str] = collections.Counter()
        try:
            while True:
                idle = self.config.jobs - len(in_flight) - len(waiting)
                due = bool(in_flight or waiting)
                waiting.extend(take_programs(source, max(0, idle), waiting_for_verdicts=due))
                if not waiting and not in_flight:
                    return
                self._dispatch(waiting, in_flight)
                [done], _ = ray.wait(list(in_flight), num_returns=1)
                slot, program = in_flight.pop(done)
                verdict = self._settle(slot, done)
                if verdict is not None:
                    yield program, verdict
                    continue
                losses[program.id] += 1
                self.losses[program.id] += 1
                if losses[program.id] > WORKER_LOSSES_TOLERATED:
                    yield program, _lost_worker_verdict()
                else:
                    waiting.appendleft(program)  # on a fresh worker, before anything else
        finally:
            if in_flight:
                self.kill()  # interrupted: stop now rather than finish programs nobody awaits

    def _dispatch(
        self, waiting: collections.deque[Program], in_flight: dict[ObjectRef, tuple[int, Program]]
    ) -> None:
        """Give each idle slot the next program, making a new actor where the slot has none."""
        busy = {slot for slot, _ in in_flight.values()}
        for slot in range(self.config.jobs):
            if not waiting:
                return
            if slot in busy:
                continue
            actor = self.actors[slot]
            if actor is None:
                actor = self.actors[slot] = self._new_actor(slot)
            program = waiting.popleft()
            in_flight[actor.run.remote(program.to_dict())] = (slot, program)

    def _settle(self, slot: int, done: ObjectRef) -> Verdict | None:
        """The verdict of a finished call, or None when the call lost its worker."""
        import ray
        from ray.exceptions import RayActorError, WorkerCrashedError

        try:
            reply = ray.get(done)
        except (RayActorError, WorkerCrashedError):
            self._drop(slot)
            return None
        if "error" in reply:
            raise WorkerStartError(reply["error"])
        if "started" in reply:
            self._check_started(reply["started"])
        if reply.get("lost"):
            return None  # the actor lives on and starts a fresh worker for its next program
        self._runs_on_actor[slot] += 1
        if self.recycle_after is not None and self._runs_on_actor[slot] >= self.recycle_after:
            self._retire(slot)
        return Verdict.from_dict(reply["verdict"])

    def _new_actor(self, slot: int) -> ActorHandle:
        self._runs_on_actor[slot] = 0
        self.actors_started += 1
        return _remote_sandbox_actor().remote(self.config, slot)

    def _retire(self, slot: int) -> None:
        """Stop the slot's actor in the background; a new one is made when the slot gets work."""
        import ray

        actor = self.actors[slot]
        self.actors[slot] = None
        if actor is not None:
            self._retiring.append((actor, actor.stop.remote()))
        if self._retiring:  # forget the ones already gone, so a long campaign keeps no handles
            refs = [ref for _, ref in self._retiring]
            gone, _ = ray.wait(refs, num_returns=len(refs), timeout=0)
            self._retiring = [(a, ref) for a, ref in self._retiring if ref not in gone]

    def _drop(self, slot: int) -> None:
        import ray

        actor = self.actors[slot]
        self.actors[slot] = None
        if actor is not None:
            with contextlib.suppress(Exception):
                ray.kill(actor, no_restart=True)

    def close(self) -> None:
        """Let every worker exit, stop the actors, and disconnect (shutting Ray down if we started it)."""
        if not self._connected:
            return
        import ray

        for slot in range(self.config.jobs):
            self._retire(slot)
        retiring, self._retiring = self._retiring, []
        if retiring:
            ray.wait([ref for _, ref in retiring], num_returns=len(retiring), timeout=CLOSE_GRACE_S)
        for actor, _ in retiring:
            with contextlib.suppress(Exception):
                ray.kill(actor, no_restart=True)
        self._disconnect()

    def kill(self) -> None:
        """Kill every actor now; Ray kills an actor's worker with it, and the worker's program dies too."""
        if not self._connected:
            return
        for slot in range(self.config.jobs):
            self._drop(slot)

    def _disconnect(self) -> None:
        import ray

        if self._owns_connection:
            ray.shutdown()
        self._connected = self._owns_connection = False
