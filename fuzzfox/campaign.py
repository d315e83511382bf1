"""The main job: seed corpus, then rounds of analyze -> generate -> execute -> judge -> feedback.

Everything a round decides or learns goes to the campaign's SQLite store before the next step
depends on it, so the campaign can be killed at any instant and resumed by running it again:

1. a round's batch (its programs, its rejects, the examples it showed) is written in one
   transaction right after generation; the round's random draws come from (seed, round), so a
   round killed during generation is regenerated identically (a job of the model's in flight is
   dropped: below);
2. each verdict is written as it arrives (one transaction per run);
3. the feedback of a batch (posteriors, pools) is written in one transaction once all its
   programs are judged; a batch found unfinished on resume has its missing programs run and is
   then fed back.

No worker waits for a round: a worker that finishes is given its next program at once, drawn
with every verdict back so far, so several batches are open at a time (:mod:`fuzzfox.in_flight`).

A stop request (SIGTERM/SIGINT via ``request_stop``) lets the programs in flight finish, records
them, and ends the loop; nothing is started after it.

The model writes while the sandbox workers judge (:mod:`fuzzfox.llm.pipeline`): when a round's
generator draw falls on the LLM, the LLM is given a job on its own thread (a first answer for the
drawn optimization, or the repair of a failed program of its own or a pattern writer's first
visit that missed, for an optimization still unreached) and the round draws again among
the others; what the model finished is stored as a batch at the start of the next round and
judged with it.  So the model's share of the machine follows its measured yield per second, like
any generator's, and neither the model nor the workers wait for the other.  A job in flight when
the campaign stops is dropped (its answer, if it came, stays in the answer cache).

An LLM that fails (endpoint down, 429 storm, garbled answers, embedded server restarting) never
ends the campaign: its job is dropped, the LLM-free generators go on, the LLM is tried again with
backoff (``LLMAvailability``), and a campaign with no other generator waits for it within its
budget.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import json
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from fuzzfox.analysis import PROMPTS, AnalysisPrompt, RequirementStore, analyze, read_shipped
from fuzzfox.compile_bandit import TARGETS as BANDIT_TARGETS
from fuzzfox.compile_bandit import CompileBandit, Novelty
from fuzzfox.config import FIXED_ON_RESUME, NO_LLM, CampaignOptions, ConfigError, from_json, merge
from fuzzfox.feedback import Batch, Feedback
from fuzzfox.generation import op_sample_programs
from fuzzfox.generation.answers import Candidate, reason_category
from fuzzfox.generation.generators import (
    GenerationRequest,
    Generator,
    LLMGenerator,
    MutationGenerator,
    PatternGenerator,
    SynthGenerator,
)
from fuzzfox.generation.ops.array import TARGETS as ARRAY_TARGETS
from fuzzfox.generation.ops.array import aimable_units
from fuzzfox.generation.repair import (
    LLMRepairer,
    RepairTicket,
    error_text,
    ticket_for_reject,
    ticket_for_run,
)
from fuzzfox.generator_bandit import GeneratorBandit
from fuzzfox.in_flight import InFlight
from fuzzfox.llm.availability import LLMAvailability
from fuzzfox.llm.cache import LLMCache
from fuzzfox.llm.client import LLMError, LLMMarkedDown
from fuzzfox.llm.pipeline import Pipeline
from fuzzfox.program import EXPLORE, Program, ProgramError, discover, load_program
from fuzzfox.runner import UsageError, check_targets, run_description
from fuzzfox.sandbox.isolation import Limits
from fuzzfox.sandbox.pool import NOTHING_YET, LocalPool, NothingYet, PoolConfig, default_cache_dir
from fuzzfox.stats import SessionClock, append_plot, collect, write_stats
from fuzzfox.store import Store, config_key
from fuzzfox.targets import get_target
from fuzzfox.whitebox.catalog import load_catalog
from fuzzfox.whitebox.optimization import Optimization
from oracles.verdict import Verdict

META_SCHEMA = "CREATE TABLE IF NOT EXISTS campaign_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"

Note = Callable[[str], None]
Observer = Callable[[dict[str, Any]], None]
# Repairs owed and not yet given to the model; the newest are kept (an old failure's pool moved on).
REPAIRS_KEPT = 8


@dataclasses.dataclass(frozen=True)
class LLMWork:
    """What the campaign needs to store a job of the model's once it is done."""

    optimization: str
    generator: str  # the batch's generator: llm:<model> or llm-repair:<model>
    examples: tuple[str, ...]  # ids of the programs the prompt showed
    mode: str
    config: str


class StopFlag:
    """Set from a signal handler; the loop checks it between programs."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def request_stop(self, reason: str) -> None:
        self.reason = reason
        self._event.set()

    def __bool__(self) -> bool:
        return self._event.is_set()


def resolve_options(directory: Path, given: dict[str, Any], toml: dict[str, Any] | None) -> CampaignOptions:
    """Defaults < what the campaign last ran with < the TOML file < the command line."""
    options = CampaignOptions()
    saved = _read_meta(directory).get("options")
    if saved:
        options = merge(options, from_json(saved), f"{directory}/fuzzfox.sqlite")
    if toml:
        options = merge(options, toml, "config file")
    return merge(options, given, "command line")


def _read_meta(directory: Path) -> dict[str, str]:
    import sqlite3

    database = directory / "fuzzfox.sqlite"
    if not database.exists():
        return {}
    db = sqlite3.connect(database)
    try:
        db.execute(META_SCHEMA)
        return dict(db.execute("SELECT key, value FROM campaign_meta"))
    finally:
        db.close()


class Campaign:
    def __init__(
        self,
        directory: Path,
        options: CampaignOptions,
        note: Note = lambda _: None,
        observe: Observer | None = None,
        stop: StopFlag | None = None,
    ) -> None:
        self.directory = directory
        self.options = options
        self.note = note
        self.observe = observe
        self.stop = stop if stop is not None else StopFlag()
        self.target = get_target(options.target)
        if reason := self.target.missing_reason():
            raise UsageError(reason)
        self.store = Store(directory)
        self.store.db.execute(META_SCHEMA)
        self._check_resume()
        self.feedback = Feedback(self.store.db, patience=options.patience)
        self.generator_bandit = GeneratorBandit(self.store.db)
        self._writing_seconds: dict[int, float] = {}  # batch id -> seconds its generator took
        # Optimizations once bundled into another's first visit (kept for this process only: after
        # a resume an entry bundled before is owed its call again, ~20 bundles of repeats at most).
        self._bundled: set[str] = set()
        self.compile_bandit = (
            CompileBandit(self.store.db)
            if options.compile_settings == "bandit" and options.target in BANDIT_TARGETS
            else None
        )
        self.requirements = RequirementStore(directory / "fuzzfox.sqlite")
        self.settings = {
            "backends": options.backends,  # empty: the target's own
            "oracles": options.oracles,
            "inductor_config": options.inductor_config,
            "input_draws": options.input_draws,
            "eager_reruns": 2,
            "probe": True,
        }
        description = run_description(options.target, self.settings, self.target.version())
        self.key = config_key(description)
        self.store.add_config(self.key, description)
        self.catalog = {o.id: o for o in load_catalog(self.target, default_cache_dir()) if o.cpu}
        if unknown := sorted(set(options.optimizations) - set(self.catalog)):
            raise ConfigError(
                f"optimizations: {unknown[0]!r} is not a CPU optimization of {options.target} "
                "(see `fuzzfox optimizations --cpu-only`)"
            )
        self.shipped = read_shipped(PROMPTS / options.target / "requirements")
        self.llm_cache = LLMCache(directory / "llm.sqlite")
        self.clock = SessionClock()
        self.executor: LocalPool | None = None
        self.generators: dict[str, Generator] = {}
        self.llm_client: Any = None
        self.analysis_client: Any = None
        self.llm_endpoint: Any = None
        self.llm_availability: LLMAvailability | None = None
        self.llm_pipeline: Pipeline[LLMWork, list[Candidate]] | None = None
        self.llm_repairer: LLMRepairer | None = None
        self._repairs: collections.deque[RepairTicket] = collections.deque(maxlen=REPAIRS_KEPT)
        self._llm_rest = 0.0  # seconds the model's last job took: how long it rests (_llm_may_draw)
        self._llm_rests_until = 0.0  # time.monotonic() before which it takes part in no draw
        self.current = ""
        self.last_stats: dict[str, Any] = {}
        self.isolation = "not started"

    # -- set-up ------------------------------------------------------------------------

    def _check_resume(self) -> None:
        meta = dict(self.store.db.execute("SELECT key, value FROM campaign_meta"))
        if meta.get("options"):
            saved = from_json(meta["options"])
            for key in FIXED_ON_RESUME:
                if saved.get(key) != getattr(self.options, key):
                    raise ConfigError(
                        f"{self.directory} is a campaign with {key} = {saved.get(key)!r}; "
                        f"it cannot resume with {key} = {getattr(self.options, key)!r}"
                    )
        with self.store.db:
            self.store.db.execute(
                "INSERT OR REPLACE INTO campaign_meta VALUES ('options', ?)", (self.options.to_json(),)
            )
            self.store.db.execute(
                "INSERT OR IGNORE INTO campaign_meta VALUES ('created', ?)", (str(time.time()),)
            )

    @contextlib.contextmanager
    def running(self) -> Iterator[Campaign]:
        """Workers, and the LLM endpoint when one is used, for the duration of the block."""
        options = self.options
        pool_config = PoolConfig(
            options.target,
            self.settings,
            jobs=options.jobs,
            limits=Limits(timeout_s=options.timeout, memory_bytes=int(options.memory_gb * (1 << 30))),
            log_dir=self.directory / "logs",
            # This campaign and its siblings (other campaigns, usually) stay out of programs' sight.
            private_paths=(self.directory.resolve(), self.directory.resolve().parent),
        )
        with contextlib.ExitStack() as stack:
            stack.callback(self._restate)
            self.executor = _make_executor(pool_config, options)
            stack.callback(self.executor.close)
            self.note(f"starting {options.jobs} sandbox worker(s)")
            self.isolation = self.executor.start().get("isolation", "unknown")
            if self.isolation != "full":
                self.note(f"isolation: {self.isolation}")
            with self.store.db:
                self.store.db.execute(
                    "INSERT OR REPLACE INTO campaign_meta VALUES ('isolation', ?)", (self.isolation,)
                )
            self._set_up_generators(stack)
            yield self

    def _restate(self) -> None:
        """Once the model's endpoint is closed, a stopped campaign's stats again: a job in flight
        at the stop may have made (and accounted) its model call after they were written."""
        if self.last_stats.get("state") == "stopped":
            self.publish(self.current, self.last_stats.get("ended_because") or "stopped")

    def _set_up_generators(self, stack: contextlib.ExitStack) -> None:
        weights = self.options.generators
        if weights.get("mutate"):
            self.generators["mutate"] = MutationGenerator()
        if weights.get("synth"):
            self.generators["synth"] = SynthGenerator(self.catalog)
        if weights.get("pattern"):
            self.generators["pattern"] = PatternGenerator(self.catalog)
        if weights.get("llm") and self.options.llm != NO_LLM:
            from fuzzfox.generation.prompt import GenerationPrompt
            from fuzzfox.llm.client import LLMClient, LLMSettings
            from fuzzfox.llm.endpoint import open_endpoint

            endpoint = stack.enter_context(
                open_endpoint(
                    self.options.llm,
                    self.options.model,
                    default_cache_dir(),
                    threads=self.options.llm_threads,
                    log=self.directory / "logs" / "llm-server.log",
                    note=self.note,
                )
            )
            self.note(f"LLM {endpoint.model} at {endpoint.base_url}")
            self.llm_endpoint = endpoint
            self.llm_availability = LLMAvailability(backoff_s=self.options.llm_backoff)
            settings = LLMSettings(
                base_url=endpoint.base_url,
                model=endpoint.model,
                api_key_env=self.options.api_key_env,
                max_retries=self.options.llm_retries,
                temperature=self.options.temperature,
            )
            self.llm_client = LLMClient(
                settings, self.llm_cache, "generation", self.note, guard=endpoint.guard
            )
            self.llm_client.api_key()  # a missing key is a set-up error: say so now, not at round 1
            self.analysis_client = LLMClient(
                settings, self.llm_cache, "analysis", self.note, guard=endpoint.guard
            )
            prompt = GenerationPrompt(self.options.target)
            self.generators["llm"] = LLMGenerator(self.llm_client, prompt, endpoint.model)
            self.llm_repairer = LLMRepairer(self.llm_client, prompt, endpoint.model, self.options.target)
            self.llm_pipeline = Pipeline(depth=1)
            stack.callback(self.llm_pipeline.close)  # before the endpoint closes
        if not self.generators:
            raise ConfigError("no generator left to run: give generators a positive weight (llm needs --llm)")

    # -- the loop ----------------------------------------------------------------------

    def run(self) -> str:
        """Seed, finish interrupted batches, then rounds until a budget or a stop; why it ended.

        The workers never wait for a round: each asks for its next program as it finishes
        (:meth:`_programs_to_judge`, read by the executor one program per idle worker), and each
        verdict is recorded and fed back as it comes (:meth:`_take_verdict`)."""
        assert self.executor is not None, "run() outside running()"
        self.publish("seeding")
        flow = InFlight()
        novelty = Novelty(self.store.db)
        ended: list[str] = []
        for program, verdict in self.executor.run(self._programs_to_judge(flow, ended)):
            self._take_verdict(program, verdict, flow, novelty)
        reason = ended[0] if ended else self._budget_spent() or "stopped"
        self.publish("stopped", reason)
        return reason

    def _programs_to_judge(self, flow: InFlight, ended: list[str]) -> Iterator[Program | NothingYet]:
        """The programs to judge next, decided as workers ask: the seeds not judged yet, the
        programs of batches a killed run left open, then one batch after another, each drawn
        with the feedback of every verdict back so far.  When it returns, why goes in ``ended``;
        programs of batches already handed out are still judged after a spent budget (a batch is
        finished once started), not after a stop request (left open for the resume)."""
        yield from self._seeds_to_judge(flow, ended)
        if ended:
            return
        for batch in self.feedback.unfinished_batches():
            if self.stop:
                break
            self.note(f"resuming round {batch.round} ({batch.generator} for {batch.optimization})")
            yield from self._batch_programs(batch, flow)
        while True:
            if reason := self._budget_spent(len(flow)):  # a stop request too
                ended.append(reason)
                return
            while len(flow) >= self._workers():
                yield NOTHING_YET  # the embedded model writes on the cores the other workers leave
            batches = self._llm_batches()  # numbered before the round's own batch
            busy = [*flow.optimizations(), *(b.optimization for b in batches)]
            round_number = self.feedback.rounds_done()
            rng = random.Random(f"{self.options.seed}:{round_number}")
            drawn = self.draw(rng, exclude=busy)
            if drawn is not None and drawn[1] == "llm":
                self._give_the_llm(drawn[0], rng)  # before the model's last answer is judged
                drawn = self.draw(rng, exclude=busy, with_llm=False)
            if drawn is not None and (batch := self.generate(round_number, *drawn, rng)) is not None:
                batches.insert(0, batch)
            for batch in batches:
                yield from self._batch_programs(batch, flow)
            if batches or drawn is not None:
                continue
            if flow:
                yield NOTHING_YET  # the verdicts due may open work: a first visit that missed
            elif self.llm_pipeline is not None and self.llm_pipeline.busy():
                self.publish("waiting for the LLM's answer")
                self.llm_pipeline.wait(timeout=1.0)
            elif self._llm_usable() and time.monotonic() < self._llm_rests_until:
                self._llm_rests_until = 0.0  # the others ran out of work: no reason to rest
            elif self._only_the_llm_and_it_is_down():
                assert self.llm_availability is not None
                if self.llm_availability.for_good:
                    ended.append(f"the LLM, its only generator, is down: {self.llm_availability.reason}")
                    return
                self._wait_for_llm()
            else:
                ended.append("every optimization is saturated or out of reach")
                return

    def _seeds_to_judge(self, flow: InFlight, ended: list[str]) -> Iterator[Program]:
        """The seed corpus's programs without a verdict (until the budget is spent: the rest are
        judged on resume); the pools are filled from those judged before now, the others' as
        their verdicts come."""
        seeds = self._load_seeds()
        self.store.add_programs(seeds)
        recorded = self.store.verdicts(self.key, (p.id for p in seeds))
        self.feedback.seed((p, recorded[p.id].triggers) for p in seeds if p.id in recorded)
        pending = _unique([p for p in seeds if p.id not in recorded])
        if pending:
            self.note(f"judging {len(pending)} seed program(s) ({len(seeds) - len(pending)} already judged)")
        for program in pending:
            if reason := self._budget_spent(len(flow)):  # a stop request too
                ended.append(reason)
                return
            flow.start(program.id, seed=True)
            yield program

    def _batch_programs(self, batch: Batch, flow: InFlight) -> Iterator[Program | NothingYet]:
        """``batch``'s programs that have no verdict and are not out already; a batch with none
        left is fed back at once."""
        recorded = self.store.verdicts(self.key, batch.program_ids)
        if not flow.open(batch, [i for i in batch.program_ids if i not in recorded]):
            self._close_batch(batch, flow)
            return
        for program in _unique(self._programs(batch.program_ids)):
            if program.id in recorded or program.id in flow.running:
                continue
            while len(flow) >= self._workers():
                yield NOTHING_YET
            if self.stop:
                return  # the batch stays open: its other programs are judged on resume
            flow.start(program.id)
            yield program

    def end_on_error(self, error: BaseException) -> None:
        """Record in stats.json that the campaign stopped and why (``status`` says so, not "dead")."""
        if isinstance(error, KeyboardInterrupt):
            why = "interrupted"
        else:
            first = str(error).splitlines()[0] if str(error) else ""
            why = f"error: {type(error).__name__}: {first}" if first else f"error: {type(error).__name__}"
        with contextlib.suppress(Exception):
            self.publish("stopped", why)

    # -- the LLM's availability --------------------------------------------------------------

    def _llm_usable(self) -> bool:
        return self.llm_availability is not None and self.llm_availability.usable()

    def _llm_alone(self) -> bool:
        """The LLM is the campaign's only generator."""
        return not [
            n for n, w in self.options.generators.items() if w > 0 and n in self.generators and n != "llm"
        ]

    def _only_the_llm_and_it_is_down(self) -> bool:
        return self._llm_alone() and self.llm_availability is not None and not self.llm_availability.usable()

    def _llm_failed(self, error: LLMError) -> None:
        assert self.llm_availability is not None
        delay = self.llm_availability.failed(str(error), for_good=isinstance(error, LLMMarkedDown))
        then = "not retried in this run" if delay == float("inf") else f"next try in {delay:.0f} s"
        others = "; the LLM-free generators go on" if not self._only_the_llm_and_it_is_down() else ""
        self.note(f"LLM unavailable: {error} ({then}){others}")

    def _llm_answered(self) -> None:
        assert self.llm_availability is not None
        if (down_for := self.llm_availability.succeeded()) is not None:
            self.note(f"LLM back after {down_for:.0f} s down; LLM rounds resume")

    def _wait_for_llm(self) -> None:
        """The LLM is the only generator: wait for its next try, within the budget and stop flag."""
        assert self.llm_availability is not None
        self.publish(f"waiting for the LLM: {self.llm_availability.describe()}")
        while not self.llm_availability.usable() and not self._budget_spent():
            time.sleep(min(1.0, max(0.05, self.llm_availability.seconds_to_next_try())))

    def _budget_spent(self, in_flight: int = 0) -> str:
        """Why no program may be started now: a stop request, a budget spent (``in_flight``
        programs count against a program budget); "" if none."""
        options = self.options
        if self.stop:
            return f"stopped ({self.stop.reason})"
        if options.minutes is not None and time.time() - self.clock.started >= options.minutes * 60:
            return f"time budget of {options.minutes:g} min spent"
        if options.programs is not None and self.clock.programs_run + in_flight >= options.programs:
            return f"program budget of {options.programs} spent"
        if self.llm_client is not None and (options.max_tokens or options.max_cost):
            totals = self.llm_cache.totals()
            if options.max_tokens and totals.prompt_tokens + totals.completion_tokens >= options.max_tokens:
                return f"LLM token budget of {options.max_tokens} spent"
            if options.max_cost and totals.cost >= options.max_cost:
                return f"LLM cost budget of {options.max_cost:g} spent"
        return ""

    def _load_seeds(self) -> list[Program]:
        paths = self.options.seed_paths()
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise UsageError(f"no such seed file or directory: {', '.join(missing)}")
        programs = []
        for file in discover(paths):
            try:
                programs.append(load_program(file, self.options.target))
            except ProgramError as error:
                self.note(f"skipping seed {file}: {error}")
        check_targets(programs)
        return [p for p in programs if p.target == self.options.target]

    def candidates(self) -> list[str]:
        """Optimizations worth a round: with a pool example, a requirement to go on, a pattern
        the pattern-directed generator can write a program from, or (jax-xla, tf-xla) a rule an op
        of the array registry reaches, which op-graph synthesis can aim at."""
        pooled = set(self.feedback.pool_sizes())
        with_requirement = set(self.shipped) | {
            row[0] for row in self.store.db.execute("SELECT DISTINCT optimization FROM requirements")
        }
        if not self._llm_usable() and "synth" not in self.generators:
            with_requirement = set()  # only the LLM works from a requirement without pool examples
        pattern = self.generators.get("pattern")
        writable = pattern.writable if isinstance(pattern, PatternGenerator) else set()
        writable = writable | self._synth_aimable()
        wanted = self._wanted()
        return sorted(o for o in (pooled | with_requirement | writable) if o in self.catalog and o in wanted)

    def requirement(self, optimization: Optimization, derive: bool = True) -> str | None:
        """The requirement to show the model: the newest derived one, the shipped one written for
        this source, with ``derive`` one derived now (on the model's writer thread: this calls the
        model, ~2 min of a 1.5B model's single thread for a 2,000-token analysis prompt), or a
        stale shipped one."""
        found = self.requirements.latest(optimization)
        shipped = self.shipped.get(optimization.id)
        if found is None and shipped is not None and shipped.source_hash == optimization.source_hash:
            return shipped.text
        usable = derive and self.options.analyze == "missing" and self.llm_client is not None
        if found is None and usable:
            complete = self.analysis_client.complete
            result = analyze(
                [optimization],
                lambda messages: complete(messages)[0],
                self.llm_client.settings.model,
                AnalysisPrompt(self.options.target),
                self.requirements,
            )
            found = None if result[0].echo else result[0].requirement
        if found is not None:
            return found.text
        return shipped.text if shipped else None

    def draw(
        self, rng: random.Random, exclude: Sequence[str] = (), with_llm: bool = True
    ) -> tuple[str, str] | None:
        """(optimization, generator) for the next batch: the generator by its yield per second
        (:class:`~fuzzfox.generator_bandit.GeneratorBandit`) among those with work, then the
        optimization among those it may write for (:meth:`Feedback.choose_optimization`); None
        when no generator has any optimization left.  The LLM takes part ``with_llm`` and while
        its writer thread has room for a job."""
        excluded = set(exclude)
        candidates = [o for o in self.candidates() if o not in excluded]
        pooled = set(self.feedback.pool_sizes())
        pattern = self.generators.get("pattern")
        writable = pattern.writable if isinstance(pattern, PatternGenerator) else set()
        owed = self._owed_calls()  # reached by other programs, their own call not made
        first_visits = {o for o in candidates if o in writable and (o not in pooled or o in owed)}
        synth_first = self._synth_first_visits() & set(candidates)
        eligible = {}
        for name, weight in self.options.generators.items():
            if weight <= 0 or name not in self.generators:
                continue
            if name == "llm" and not (with_llm and self._llm_usable() and self._llm_may_draw()):
                continue
            if name == "pattern":
                eligible[name] = sorted(first_visits)  # an empty pool it can write for is its alone
            elif name == "mutate":
                eligible[name] = [o for o in candidates if o in pooled]
            elif name == "llm":
                # What no other generator reached comes first: the model's seconds are the dearest.
                unreached = [o for o in candidates if o not in pooled and o not in first_visits]
                eligible[name] = unreached or [o for o in candidates if o not in first_visits]
            elif name == "synth" and synth_first:
                eligible[name] = sorted(synth_first)  # the rules it never aimed at come first
            else:
                eligible[name] = [o for o in candidates if o not in first_visits]
        while eligible:
            usable = {name: self.options.generators[name] for name, ids in eligible.items() if ids}
            name = self.generator_bandit.choose(usable, rng)
            if name is None:
                return None
            if "llm" in usable and name != "llm":
                self._llm_rests_until = time.monotonic() + self._llm_rest  # it lost its draw
            kin = self._visited_kin() if name == "pattern" else None
            reach = self._first_visit_reach(owed) if name == "pattern" else None
            optimization = self.feedback.choose_optimization(
                eligible.pop(name), rng, visited_kin=kin, reach=reach
            )
            if optimization is not None:
                return optimization, name
        return None

    def _wanted(self) -> set[str]:
        """The optimizations this campaign is for: ``--optimizations``, or the whole catalog."""
        return set(self.options.optimizations) or set(self.catalog)

    def _visited(self) -> set[str]:
        """Optimizations a program reached, a batch aimed at, or a bundle made a call of."""
        return set(self.feedback.pool_sizes()) | self.feedback.aimed_at() | self._bundled

    def _owed_calls(self) -> set[str]:
        """Decompositions and lowerings whose own OpInfo call no program has made yet: neither
        written for them by the pattern generator nor bundled into another's first visit.

        Reaching an entry is not exercising it: a seed or a synthesized program that reaches
        ``gelu`` does so with the defaults of whatever it was written for (no ``approximate='tanh'``,
        bfloat16, small values), while the call PyTorch's OpInfo samples make sets the arguments
        that take the entry's other branches.  So an entry reached only by other programs keeps
        its first visit (its call, bundled) after the unreached ones: in a 10-minute torch campaign
        seeds and other programs reached ~130 of the 350 entries with calls before their own."""
        pattern = self.generators.get("pattern")
        if not isinstance(pattern, PatternGenerator):
            return set()
        return pattern.bundlable - self.feedback.aimed_at("pattern") - self._bundled

    def _first_visit_reach(self, owed: set[str]) -> dict[str, int]:
        """How many table entries a decomposition's or a lowering's first visit makes calls of: its
        own and those of others still ``owed`` theirs (:meth:`_bundle_companions`), as many as
        :attr:`PatternGenerator.bundle` calls hold on average; a pattern's first visit is one
        program for one optimization.

        First visits are drawn in proportion to it.  Drawn alike, the 10-minute torch fault
        campaigns on 2 cores of 2026-12-07 (12, bench/faults/results/all-m10) judged 13 bundles and
        23 pattern programs each, and the bundles reached 2.4 times as many optimizations no earlier
        program had per second judged (79.9 against 32.8 per 100 s; 6.7 against 1.7 a program)."""
        pattern = self.generators.get("pattern")
        if not isinstance(pattern, PatternGenerator):
            return {}
        wanted = self._wanted()
        calls = min(pattern.entries_per_bundle, len(owed & wanted))
        return dict.fromkeys(pattern.bundlable, calls) if calls > 1 else {}

    def _synth_first_visits(self) -> set[str]:
        """Rules of an array target (jax-xla, tf-xla) that op-graph synthesis can aim at and has
        not aimed at yet, reached by other programs or not: there it is the writer of first visits
        (what the pattern generator is for torch), one program each (:meth:`generate`).

        A rule a seed reached was reached with the seed's arguments (``fmod`` by a constant, so no
        gradient with respect to the divisor), not by a program built around it.  A 10-minute
        jax-xla campaign whose candidates were the rules something reached, each visit a batch of
        4 programs, aimed at 19-24 of the 104 rules synthesis could aim at; each first visit is one
        program now, and the other worker takes another first visit meanwhile."""
        return self._synth_aimable() - self.feedback.aimed_at("synth")

    def _synth_aimable(self) -> set[str]:
        """The array target's rules op-graph synthesis can aim at (none for torch, or without it)."""
        if self.options.target not in ARRAY_TARGETS or "synth" not in self.generators:
            return set()
        return set(aimable_units(self.options.target)) & set(self.catalog)

    def _visited_kin(self) -> dict[str, int]:
        """For each optimization, how many others handled by the same code (its source hash) were
        visited already (reached, aimed at or bundled).

        One function registers many optimizations: 54 variants of quantization's
        qlinear_post_op_fusion, sfdp pattern 7 in float and half, inference and training; 405
        pattern optimizations of torch's catalog share 92 sources, while each of its 350 table
        entries has its own.  A first visit's worth is the code it reaches first, so the first
        visits weigh an optimization down by its visited kin (:meth:`Feedback.choose_optimization`):
        each handler's first variant comes early, its others after the unvisited handlers."""
        visited = self._visited()
        per_source = collections.Counter(self.catalog[o].source_hash for o in visited if o in self.catalog)
        kin = {o: per_source[opt.source_hash] - (o in visited) for o, opt in self.catalog.items()}
        return {o: count for o, count in kin.items() if count}

    def _request(self, optimization: str, rng: random.Random) -> GenerationRequest:
        """A batch request for ``optimization`` with examples drawn from its pool."""
        examples = self.feedback.draw_examples(
            optimization, self.options.examples, rng, self.options.example_selection
        )
        return GenerationRequest(
            target=self.options.target,
            optimization=optimization,
            requirement=None,
            examples=tuple(self._programs(examples)),
            count=self.options.batch,
            seed=rng.randrange(1 << 31),
        )

    def generate(self, round_number: int, optimization: str, name: str, rng: random.Random) -> Batch | None:
        """A batch of the LLM-free generator ``name`` for ``optimization``, stored; None if the
        generator cannot write for it."""
        started = time.monotonic()
        request = self._request(optimization, rng)
        generator = self.generators[name]
        if not generator.available(request):
            return None
        first_visit = generator is self.generators.get("pattern") and (
            optimization not in self.feedback.aimed_at() or optimization in self._owed_calls()
        )
        if first_visit:  # the canonical program, with other first visits' calls where it is one
            companions = self._bundle_companions(optimization, rng)
            request = dataclasses.replace(request, count=1, companions=companions)
        elif generator is self.generators.get("synth") and optimization in self._synth_first_visits():
            request = dataclasses.replace(request, count=1)
        self.publish(f"round {round_number}: {generator.name} for {optimization}")
        candidates = generator.generate(request)
        examples = [p.id for p in request.examples]
        return self._store_batch(
            round_number, optimization, generator.name, examples, candidates, rng, as_written=first_visit,
            seconds=time.monotonic() - started,
        )  # fmt: skip

    def _store_batch(
        self,
        round_number: int,
        optimization: str,
        generator: str,
        examples: Sequence[str],
        candidates: Sequence[Candidate],
        rng: random.Random,
        *,
        as_written: bool,
        seconds: float,
    ) -> Batch:
        """The candidates as a batch in the store, each under compile settings the bandit draws
        unless ``as_written``; ``seconds`` is what writing them took."""
        programs = _unique([c.program for c in candidates if c.program is not None])
        if self.compile_bandit is not None and not as_written:
            # A first visit is judged as written: it tells whether the writer reaches the
            # optimization (in a 30-minute campaign 56 % of first visits did under the dynamic-shape
            # settings, 72 % under the others), and the bandit would credit the writer's reach to
            # whatever settings it was given.
            programs = _unique([self.compile_bandit.assign(p, rng) for p in programs])
        self.store.add_programs(programs)
        rejects = [_reject(c) for c in candidates if c.program is None]
        if programs and all(p.optimization == EXPLORE for p in programs):
            optimization = EXPLORE  # not aimed at it: the round is not counted against it
        batch = self.feedback.open_batch(round_number, optimization, generator, examples, programs, rejects)
        self._writing_seconds[batch.id] = seconds
        return batch

    # -- the model's jobs --------------------------------------------------------------

    def _workers(self) -> int:
        """Sandbox workers to give the next programs: all of them, less the embedded model's
        threads while it writes (the cores are split, not fought over)."""
        endpoint, pipeline = self.llm_endpoint, self.llm_pipeline
        if endpoint is not None and endpoint.embedded and pipeline is not None and pipeline.writing():
            return max(1, self.options.jobs - self.options.llm_threads)
        return max(1, self.options.jobs)

    def _llm_may_draw(self) -> bool:
        """The model takes part in a generator draw when its thread is free and it has rested as
        long as its last job took.  A draw commits a round of the others for seconds and a job of
        the model's for minutes; so that its share of the machine follows how often it wins (its
        yield per second against theirs), not how often it is drawn, it takes part in one draw per
        rest: won, it writes; lost, it rests again.  It works at most half of the time."""
        if self.llm_pipeline is None or self.llm_pipeline.room() == 0:
            return False
        return self._llm_alone() or time.monotonic() >= self._llm_rests_until

    def _give_the_llm(self, optimization: str, rng: random.Random) -> None:
        """A job for the model's writer thread: the newest repair owed (:meth:`_next_repair`: the
        cheaper prompt), else a first answer for ``optimization``."""
        assert self.llm_pipeline is not None and self.llm_repairer is not None
        if ticket := self._next_repair():
            repairer, seed = self.llm_repairer, rng.randrange(1 << 31)
            target = self.catalog[ticket.optimization]
            work = LLMWork(ticket.optimization, repairer.name, (), ticket.mode, ticket.config)
            self.llm_pipeline.submit(
                work,
                lambda: repairer.repair(ticket, self.requirement(target, derive=False), seed, target.source),
            )
            self.publish(f"the LLM repairs a program for {ticket.optimization}")
            return
        target = self.catalog[optimization]
        request = dataclasses.replace(
            self._request(optimization, rng), failures=self._failures(optimization), source=target.source
        )
        generator = self.generators["llm"]
        examples = tuple(p.id for p in request.examples)
        work = LLMWork(optimization, generator.name, examples, request.mode, request.config)
        self.llm_pipeline.submit(
            work,
            lambda: generator.generate(dataclasses.replace(request, requirement=self.requirement(target))),
        )
        self.publish(f"the LLM writes for {optimization}")

    def _next_repair(self) -> RepairTicket | None:
        """The newest repair owed for an optimization still unreached (one some program reached
        since the failure is no longer worth the model's minutes), or None."""
        pooled = set(self.feedback.pool_sizes())
        while self._repairs:
            ticket = self._repairs.pop()
            if ticket.optimization not in pooled:
                return ticket
        return None

    def _failures(self, optimization: str) -> tuple[str, ...]:
        """How the model's earlier programs for ``optimization`` failed, most frequent first: the
        reasons its answers were rejected and the errors of those that failed without a compiler."""
        rejected = self.store.db.execute(
            "SELECT r.reason FROM rejects r JOIN batches b ON b.id = r.batch_id "
            "WHERE b.optimization = ? AND b.generator LIKE 'llm%'",
            (optimization,),
        )
        invalid = self.store.db.execute(
            "SELECT v.verdict FROM runs r JOIN programs p ON p.id = r.program_id "
            "JOIN verdicts v ON v.run_id = r.id "
            "WHERE p.optimization = ? AND p.origin LIKE 'llm%' AND r.outcome = 'invalid'",
            (optimization,),
        )
        reasons = [reason for (reason,) in rejected]
        for (verdict,) in invalid:
            if exception := json.loads(verdict).get("exception"):
                reasons.append(error_text(exception["type"], exception["message"], lines=1))
        return tuple(reason for reason, _ in collections.Counter(reasons).most_common())

    def _llm_batches(self) -> list[Batch]:
        """What the model finished since the last round, each job stored as a batch; its rejected
        answers with code in them are owed a repair."""
        if self.llm_pipeline is None:
            return []
        batches = []
        for finished in self.llm_pipeline.collect():
            self._llm_rest = finished.seconds
            self._llm_rests_until = time.monotonic() + finished.seconds
            if isinstance(finished.error, LLMError):
                self._llm_failed(finished.error)  # nothing of it was stored
                continue
            if finished.error is not None:
                raise finished.error  # our own bug: not a model's failure to hide
            self._llm_answered()
            work, candidates = finished.tag, finished.result or []
            if work.generator.startswith("llm:"):
                for candidate in candidates:
                    if ticket := ticket_for_reject(candidate, work.optimization, work.mode, work.config):
                        self._repairs.append(ticket)
            round_number = self.feedback.rounds_done()
            rng = random.Random(f"{self.options.seed}:{round_number}")
            batch = self._store_batch(
                round_number, work.optimization, work.generator, work.examples, candidates, rng,
                as_written=False, seconds=finished.seconds,
            )  # fmt: skip
            batches.append(batch)
        return batches

    def _bundle_companions(self, optimization: str, rng: random.Random) -> tuple[str, ...]:
        """Other decompositions and lowerings still owed their OpInfo calls (:meth:`_owed_calls`),
        never visited first, then those only other programs reached, whose calls the pattern
        generator makes in the same program as ``optimization``'s, drawn from ``rng`` while their
        calls (:func:`~fuzzfox.generation.op_sample_programs.visit_calls`) fit in
        :attr:`PatternGenerator.bundle` with the visited entry's own.  Each is bundled once at
        most: one whose call fails eagerly spoils that one program, and is then visited on its own
        draw.  Companions are judged as ``optimization`` is, with gradients or on values only (a
        program with one call PyTorch does not gradcheck is judged on values only: one such
        companion would leave the others' gradients unjudged)."""
        pattern = self.generators.get("pattern")
        if not isinstance(pattern, PatternGenerator) or optimization not in pattern.bundlable:
            return ()
        visited = self._visited()
        wanted = self._wanted()
        judged_alike = op_sample_programs.gradients_checked(self.catalog[optimization])
        owed = sorted(
            o
            for o in self._owed_calls() - {optimization} & wanted
            if op_sample_programs.gradients_checked(self.catalog[o]) == judged_alike
        )
        unvisited = [o for o in owed if o not in visited]
        reached = [o for o in owed if o in visited]
        room = pattern.bundle - pattern.calls(optimization, judged_alike)
        chosen: list[str] = []
        for companion in [*rng.sample(unvisited, len(unvisited)), *rng.sample(reached, len(reached))]:
            if room <= 0:
                break
            calls = pattern.calls(companion, judged_alike)
            if calls <= room:
                chosen.append(companion)
                room -= calls
        self._bundled.update(chosen)
        return tuple(chosen)

    def _programs(self, ids: Sequence[str]) -> list[Program]:
        programs = []
        for program_id in ids:
            row = self.store.db.execute("SELECT source, metadata FROM programs WHERE id = ?", (program_id,))
            source, metadata = row.fetchone()
            programs.append(Program(source, json.loads(metadata)))
        return programs

    def _take_verdict(self, program: Program, verdict: Verdict, flow: InFlight, novelty: Novelty) -> None:
        """Record a verdict as it comes; feed a seed's triggers to the pools, and each batch it
        completed back (:meth:`_close_batch`)."""
        self.store.record(program, self.key, verdict)
        self.clock.programs_run += 1
        seed = program.id in flow.seeds
        self.publish(f"{'seed' if seed else 'round'}: {program.name} -> {verdict.outcome.value}")
        new = novelty.is_new(verdict)
        if seed:
            self.feedback.seed([(program, verdict.triggers)])
        elif self.compile_bandit is not None:
            self.compile_bandit.credit(program.id, new)
        for batch in flow.finish(program.id, new):
            self._close_batch(batch, flow)

    def _close_batch(self, batch: Batch, flow: InFlight) -> None:
        """Feed a batch whose programs all have verdicts back: pools, posteriors, the generator
        bandit (credited with its programs that showed something new in this run), repairs."""
        programs = self._programs(batch.program_ids)
        recorded = self.store.verdicts(self.key, batch.program_ids)
        judged = [(p, recorded[p.id]) for p in programs]
        outcome = self.feedback.close_batch(batch, [(p, v.triggers) for p, v in judged])
        if self.llm_repairer is not None:
            self._repairs.extend(t for p, v in judged if p.id in flow.new and (t := ticket_for_run(p, v)))
        self.generator_bandit.credit(
            _bandit_arm(batch.generator),
            sum(flow.new.get(p.id, False) for p, _ in judged),
            self._writing_seconds.pop(batch.id, 0.0) + sum(v.seconds for p, v in judged if p.id in flow.new),
        )
        self.publish(
            f"round {batch.round}: {batch.generator} for {batch.optimization}: "
            f"{len(judged)} of {batch.produced} valid, {outcome.triggered} triggered it"
        )

    # -- live state --------------------------------------------------------------------

    def publish(self, current: str, ended: str = "") -> dict[str, Any]:
        self.current = current
        stats = collect(
            self.store.db,
            self.clock,
            len(self.catalog),
            self.llm_cache.totals(),
            state="stopped" if ended else "running",
            ended_because=ended or None,
            pid=os.getpid(),
            current=current,
            target=self.options.target,
            campaign=str(self.directory),
            isolation=self.isolation,
            compile_arms=self.compile_bandit.table() if self.compile_bandit is not None else [],
            generator_yield=self.generator_bandit.table(),
            **self._llm_stats(),
        )
        write_stats(self.directory, stats)
        append_plot(self.directory, stats, self.clock)
        self.last_stats = stats
        if self.observe:
            self.observe(stats)
        return stats

    def _llm_stats(self) -> dict[str, Any]:
        if self.llm_availability is None:
            return {"llm_state": "none", "llm_status": "none"}
        server = self.llm_endpoint.state() if self.llm_endpoint is not None else {}
        return {**self.llm_availability.as_stats(), "llm_server_restarts": server.get("restarts", 0)}

    def close(self) -> None:
        self.llm_cache.close()
        self.requirements.close()
        self.store.close()


def _bandit_arm(generator: str) -> str:
    """The generator bandit's arm of a batch's generator: llm:<model> and llm-repair:<model> are
    both the model's work."""
    name = generator.split(":", 1)[0]
    return "llm" if name == "llm-repair" else name


def _unique(programs: list[Program]) -> list[Program]:
    return list({p.id: p for p in programs}.values())


def _reject(candidate: Candidate) -> tuple[str, str, str]:
    reason = candidate.reason or "not a program"
    return reason_category(reason), reason, candidate.source[:4000]


def _make_executor(config: PoolConfig, options: CampaignOptions) -> Any:
    if options.executor == "local":
        return LocalPool(config)
    from fuzzfox.sandbox.executor import make_executor

    return make_executor(
        options.executor, config, ray_address=options.ray_address, recycle_after=options.recycle_after
    )
