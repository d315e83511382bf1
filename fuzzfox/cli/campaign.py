"""``fuzzfox campaign``, ``fuzzfox daemon`` and ``fuzzfox status``: the long-running job and its state."""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from fuzzfox.cli.args import EXIT_BUGS, EXIT_CLEAN, comma_list, note
from fuzzfox.config import GENERATORS, load_toml
from fuzzfox.targets import TARGETS
from oracles.boundary import DRAWS
from oracles.judge import ORACLES

CAMPAIGN_EPILOG = """\
The campaign first judges the seed corpus (corpus/<target>/, or --seeds) to fill one pool per
optimization with programs that reach it, then runs rounds: pick an optimization (rare ones
first), draw k examples from its pool by Thompson sampling, generate a batch (LLM, AST mutation
or op-graph synthesis), judge it in the sandbox, feed the triggers back.  Everything is kept in
DIR/fuzzfox.sqlite: run the same command again to resume.  Live state: DIR/stats.json,
DIR/plot.csv (see `fuzzfox status DIR`).  SIGTERM or Ctrl-C lets the programs in flight finish.

examples:
  fuzzfox campaign --campaign runs/c1 --minutes 10
  fuzzfox campaign --campaign runs/c1 --llm none --programs 200
  fuzzfox campaign --campaign runs/c1 --llm http://127.0.0.1:8000/v1 --model qwen --jobs 4
  fuzzfox daemon --campaign runs/c1 --config campaign.toml --detach
"""


def _weights(text: str) -> dict[str, float]:
    """``llm=2,mutate=1`` (or ``mutate,synth`` for equal weights) -> a weight per generator."""
    weights: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, weight = item.partition("=")
        if name not in GENERATORS:
            raise argparse.ArgumentTypeError(f"unknown generator {name!r} (known: {', '.join(GENERATORS)})")
        try:
            weights[name] = float(weight) if weight else 1.0
        except ValueError:
            raise argparse.ArgumentTypeError(f"bad weight {weight!r} for {name}") from None
    return weights


def _oracles(text: str) -> list[str]:
    names = comma_list(text)
    unknown = sorted(set(names) - set(ORACLES))
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown oracle {unknown[0] if unknown else text!r} (known: {', '.join(ORACLES)})"
        )
    return names


def add_campaign_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by campaign and daemon; unset ones fall back to the TOML file and the defaults."""
    add = parser.add_argument
    add("--campaign", type=Path, required=True, metavar="DIR", help="campaign directory (created or resumed)")
    add("--config", type=Path, metavar="FILE", help="a TOML file with any of these options (names with _)")
    add("--target", choices=sorted(TARGETS), help="target to fuzz (default: torch-inductor)")
    add("--minutes", type=float, help="stop after this many minutes (this invocation)")
    add("--programs", type=int, help="stop after judging this many programs (this invocation)")
    add("--max-tokens", type=int, help="stop when the campaign's LLM tokens reach this")
    add("--max-cost", type=float, help="stop when the campaign's LLM cost reaches this")
    add("--llm", metavar="URL|embedded[:MODEL]|none", help="generation/analysis LLM (default: embedded)")
    add("--model", help="model name at the --llm URL")
    add("--api-key-env", metavar="NAME", help="variable holding the API key (default: OPENAI_API_KEY)")
    add(
        "--llm-threads",
        type=int,
        metavar="N",
        help="CPU threads of the embedded LLM server; while it writes, that many sandbox workers wait "
        "(default: 1)",
    )
    add(
        "--llm-retries",
        type=int,
        metavar="N",
        help="HTTP retries of one LLM request, with exponential backoff (default: 4)",
    )
    add(
        "--llm-backoff",
        type=float,
        metavar="S",
        help="an LLM that failed is tried again after S seconds, doubling up to 10 min; the LLM-free "
        "generators go on meanwhile (default: 15)",
    )
    add(
        "--analyze", choices=("missing", "never"), help="derive missing requirements first (default: missing)"
    )
    add(
        "--generators",
        type=_weights,
        metavar="G=W,...",
        help="generators and their weights (default: llm=2,mutate=1,synth=1,pattern=1; 0 turns one "
        "off): each round draws the generator whose sampled finds per second, times its weight, is "
        "highest; pattern writes programs from an optimization's own pattern (or a decomposition's "
        "or lowering's op) and takes every empty pool it can write, mutate works from pools",
    )
    add("--jobs", "-j", type=int, help="sandbox workers (default: 2)")
    add("--batch", type=int, help="programs per round (default: 4)")
    add("--examples", type=int, help="pool examples per prompt, k (default: 3)")
    add(
        "--example-selection",
        choices=("thompson", "seeds"),
        help="thompson: k pool programs drawn by Thompson sampling (default); seeds: the hand-written "
        "seed examples every round (one-shot, no feedback)",
    )
    add(
        "--compile-settings",
        choices=("bandit", "as-written"),
        help="bandit: each generated torch program is judged under compile settings (dynamic=True, "
        "a second call on a new size, marked dims, data-dependent capture, fullgraph, cpp_wrapper, "
        "freezing, fusion and layout knobs) drawn by Thompson sampling on what found bugs and new "
        "optimizations (default); as-written: under its own header only",
    )
    add(
        "--optimizations",
        type=comma_list,
        metavar="A,B",
        help="fuzz only these optimization ids (default: every one with an example or a requirement)",
    )
    add("--seeds", nargs="+", metavar="PATH", help="seed programs (default: corpus/<target>)")
    add("--seed", type=int, help="random seed of a new campaign (default: 0)")
    add(
        "--backends",
        type=comma_list,
        metavar="A,B",
        help="compiled backends compared with eager (default: the target's own: aot_eager,inductor "
        "for torch-inductor, xla for jax-xla, function,xla for tf-xla)",
    )
    add(
        "--oracle",
        dest="oracles",
        type=_oracles,
        metavar="values,grads",
        help="judges: values (compiled vs eager outputs) and/or grads (reverse vs forward vs numeric "
        "gradients, compiled backward vs eager) (default: values,grads)",
    )
    add(
        "--input-draws",
        type=int,
        metavar="K",
        help="after its one compile, also run each program on K boundary-valued input draws "
        f"({', '.join(DRAWS)}), 0 for the recorded inputs only (default: {len(DRAWS)})",
    )
    add("--timeout", type=float, metavar="S", help="seconds per program (default: 180)")
    add("--executor", choices=("local", "ray"), help="where programs run (default: local)")
    add("--ray-address", metavar="ADDR", help="Ray cluster to join (default: start a local one)")
    add("--recycle-after", type=int, metavar="N", help="replace a Ray worker after N programs")


def add_commands(commands: Any) -> None:
    campaign = commands.add_parser(
        "campaign",
        help="run a fuzzing campaign in the foreground, with a live view",
        description="Run a campaign: seed corpus, then rounds of analyze, generate, judge, feedback.",
        epilog=CAMPAIGN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_campaign_arguments(campaign)
    campaign.set_defaults(handler=functools.partial(command_campaign, note=note))
    daemon = commands.add_parser(
        "daemon",
        help="run a campaign until stopped or its budget is spent, logging plainly",
        description="The campaign loop for long runs: no live view, one log line per event; SIGTERM "
        "finishes the programs in flight and exits 0. With --detach it goes to the background, "
        "logging to DIR/daemon.log and writing its pid to DIR/daemon.pid.",
        epilog=CAMPAIGN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_campaign_arguments(daemon)
    daemon.add_argument("--detach", action="store_true", help="run in the background")
    daemon.set_defaults(handler=functools.partial(command_campaign, note=note, daemon=True))
    status = commands.add_parser("status", help="a campaign's live state (from DIR/stats.json)")
    status.add_argument("campaign", type=Path, metavar="DIR")
    status.add_argument("--json", action="store_true", help="print stats.json as it is")
    status.add_argument(
        "--optimizations",
        action="store_true",
        help="per optimization aimed at: rounds, generated, valid %%, outputs that triggered it, pool "
        "size, rounds since its pool last grew (from the store; with --json, a list)",
    )
    status.set_defaults(handler=command_status)


def _given(args: argparse.Namespace) -> dict[str, Any]:
    skip = {"command", "campaign", "config", "detach", "handler"}
    return {k: v for k, v in vars(args).items() if k not in skip and v is not None}


class LiveView:
    """The status block redrawn in place on a terminal; plain lines anywhere else."""

    def __init__(self, stream: Any, live: bool) -> None:
        self.stream = stream
        self.live = live
        self.drawn = 0
        self.last_draw = 0.0

    def __call__(self, stats: dict[str, Any]) -> None:
        from fuzzfox.stats import render

        if not self.live:
            llm = " | llm down" if stats.get("llm_state") == "down" else ""
            print(
                f"[{stats['programs_run']} run | {stats['optimizations_triggered']}/"
                f"{stats['optimizations_total']} opts | {stats['bug_candidates']} bugs{llm}] "
                f"{stats['current']}",
                file=self.stream,
                flush=True,
            )
            return
        if time.monotonic() - self.last_draw < 0.5 and stats["state"] == "running":
            return
        block = render(stats)
        if self.drawn:
            self.stream.write(f"\x1b[{self.drawn}F\x1b[J")
        self.stream.write(block + "\n")
        self.stream.flush()
        self.drawn = block.count("\n") + 1
        self.last_draw = time.monotonic()


def _install_stop_handlers(stop: Any, note: Any) -> None:
    def handler(number: int, _frame: Any) -> None:
        name = signal.Signals(number).name
        if stop:  # a second signal: stop now
            raise KeyboardInterrupt
        note(f"{name}: finishing the programs in flight, then stopping (again to stop at once)")
        stop.request_stop(name)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _detach(directory: Path) -> None:
    """Double fork into the background; the log and pid file go in the campaign directory."""
    directory.mkdir(parents=True, exist_ok=True)
    if os.fork():
        os._exit(0)
    os.setsid()
    if pid := os.fork():
        print(f"fuzzfox: daemon {pid} started; log {directory / 'daemon.log'}", flush=True)
        os._exit(0)
    log = os.open(directory / "daemon.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)


def command_campaign(args: argparse.Namespace, note: Any, daemon: bool = False) -> int:
    from fuzzfox.campaign import Campaign, StopFlag, resolve_options
    from fuzzfox.stats import generator_table, triggered_by_origin

    directory: Path = args.campaign
    toml = load_toml(args.config) if args.config else None
    options = resolve_options(directory, _given(args), toml)
    if daemon and args.detach:
        _detach(directory)
    if daemon:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "daemon.pid").write_text(f"{os.getpid()}\n")
    stop = StopFlag()
    _install_stop_handlers(stop, note)
    view = LiveView(sys.stderr, live=not daemon and sys.stderr.isatty())
    campaign = Campaign(directory, options, note=note, observe=view, stop=stop)
    try:
        with campaign.running():
            reason = campaign.run()
        seeds, total = triggered_by_origin(campaign.store.db)
        stats = campaign.last_stats
        table = generator_table(campaign.store.db)
    except BaseException as error:
        campaign.end_on_error(error)
        raise
    finally:
        campaign.close()
        if daemon:
            with contextlib.suppress(FileNotFoundError):
                (directory / "daemon.pid").unlink()
    _print_summary(directory, reason, stats, table, seeds, total)
    return EXIT_BUGS if stats["bug_candidates"] else EXIT_CLEAN


def _print_summary(
    directory: Path, reason: str, stats: dict[str, Any], table: list[dict[str, Any]], seeds: int, total: int
) -> None:
    import pandas as pd

    print(f"campaign {directory}: {reason}")
    if table:
        print(pd.DataFrame(table).to_string(index=False))
    print(
        f"programs: {stats['generated']} generated, {stats['valid']} valid ({stats['valid_pct']}%), "
        f"{stats['programs_run']} judged ({stats['programs_run_session']} this session, "
        f"{stats['invalid_runs']} fail without a compiler)"
    )
    print(
        f"optimizations triggered: {total} of {stats['optimizations_total']} "
        f"(seed corpus alone: {seeds}; new from generated programs: {total - seeds})"
    )
    print(
        f"bug candidates: {stats['bug_candidates']} ({stats['unique_bugs']} unique); dropped by the "
        f"instability filter: {stats['dropped']}; "
        f"LLM: {stats['llm_calls']} calls, {stats['llm_tokens']} tokens"
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def command_status(args: argparse.Namespace) -> int:
    from fuzzfox.runner import UsageError
    from fuzzfox.stats import read_stats, render

    try:
        if args.optimizations:
            return _print_optimizations(args.campaign, as_json=args.json)
        stats = read_stats(args.campaign)
    except FileNotFoundError as error:
        raise UsageError(str(error)) from None
    if stats.get("state") == "running" and not _alive(int(stats.get("pid", 0))):
        stats["state"] = "dead (killed without stopping; resume by running it again)"
    if args.json:
        print(json.dumps(stats, indent=2, sort_keys=True))
    else:
        print(render(stats))
    return EXIT_CLEAN


def _print_optimizations(directory: Path, as_json: bool) -> int:
    import sqlite3

    import pandas as pd

    from fuzzfox.stats import optimization_table

    database = directory / "fuzzfox.sqlite"
    if not database.exists():
        raise FileNotFoundError(f"no fuzzfox.sqlite in {directory}: not a campaign directory")
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        table = optimization_table(db) if _has_batches(db) else []
    finally:
        db.close()
    if as_json:
        print(json.dumps(table, indent=2))
    elif table:
        print(pd.DataFrame(table).to_string(index=False))
    else:
        print(f"{directory}: no round finished yet")
    return EXIT_CLEAN


def _has_batches(db: Any) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = 'batches'").fetchone() is not None
