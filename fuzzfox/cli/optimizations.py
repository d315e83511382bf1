"""``fuzzfox optimizations list``: the compiler optimizations fuzzfox knows, and which a campaign reached."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from fuzzfox.cli.args import DEFAULT_TARGET, EXIT_CLEAN
from fuzzfox.runner import UsageError
from fuzzfox.targets import TARGETS, get_target


def add_commands(commands: Any) -> None:
    optimizations = commands.add_parser(
        "optimizations",
        help="the compiler optimizations fuzzfox knows, read from the installed framework",
        description="Optimizations extracted from the installed framework's source (for torch: "
        "every pattern of Inductor's pattern-matcher passes and every graph-rewriting function in "
        "torch/_inductor/fx_passes; for jax: every autodiff rule registered in jax/_src/lax; for tf: "
        "every gradient registered in tensorflow/python/ops/*_grad.py), or "
        "the functions of a source tree of your own (--source-dir).",
    )
    optimization_commands = optimizations.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = optimization_commands.add_parser(
        "list", help="a table: id, kind, pass, file:line, CPU-reachable, times triggered"
    )
    listing.add_argument("--target", default=DEFAULT_TARGET, choices=sorted(TARGETS))
    listing.add_argument(
        "--source-dir",
        type=Path,
        metavar="DIR",
        help="list the functions of your own source tree instead (.py, .cc, .cpp, .h, .hpp; e.g. an "
        "XLA checkout's passes)",
    )
    listing.add_argument(
        "--campaign", type=Path, metavar="DIR", help="count triggers recorded in this campaign's store"
    )
    listing.add_argument("--cpu-only", action="store_true", help="only optimizations reachable on CPU")
    listing.add_argument("--triggered", action="store_true", help="only those the campaign triggered")
    optimizations.set_defaults(handler=command_optimizations)


def command_optimizations(args: argparse.Namespace) -> int:
    from fuzzfox.sandbox.pool import default_cache_dir
    from fuzzfox.store import Store
    from fuzzfox.table import coverage_by_file, optimizations_table
    from fuzzfox.whitebox.catalog import load_catalog

    if args.source_dir is not None:
        from fuzzfox.whitebox.source_dir import extract

        catalog = extract(args.source_dir)
        origin = f"functions in {len({o.file for o in catalog})} files under {args.source_dir}"
    else:
        target = get_target(args.target)
        if reason := target.missing_reason():
            raise UsageError(reason)
        catalog = load_catalog(target, default_cache_dir())
        cpu = sum(o.cpu for o in catalog)
        origin = f"optimizations ({cpu} reachable on CPU) in {target.name} {target.version()}"
    counts: dict[str, int] = {}
    if args.campaign is not None:
        if not (args.campaign / "fuzzfox.sqlite").exists():
            raise UsageError(f"no campaign store in {args.campaign}")
        store = Store(args.campaign)
        counts = store.trigger_counts()
        store.close()
    shown = [o for o in catalog if (o.cpu or not args.cpu_only) and (counts.get(o.id) or not args.triggered)]
    print(optimizations_table(shown, counts))
    if args.campaign is not None:
        print(f"\n{coverage_by_file(catalog, counts)}")
    reached = sum(1 for o in catalog if counts.get(o.id))
    triggered = f"; {reached} triggered in {args.campaign}" if args.campaign else ""
    print(f"\n{len(catalog)} {origin}{triggered}")
    return EXIT_CLEAN
