"""Would the model's repairs of the pattern writer's misses pay for its minutes?

A campaign's generator bandit stops drawing the model once it has measured its yield, so a
campaign alone says little about a job the model rarely gets.  This asks the model directly: from
a finished campaign, take first visits of the pattern writer that ran but missed their
optimization, for optimizations no program of that campaign reached; ask the model to repair each
(the campaign's own repair prompt and ticket: the program, the miss, the optimization's shipped
requirement or else its code); judge the repaired programs in the sandbox (``fuzzfox run``,
values oracle, each program under the compile config it was written for); and print how many
answers are programs, run without a compiler, and reach the optimization, what the model spent,
and new optimizations per CPU-second of the model against the campaign's own rate over its last
10 minutes (what the model's core would have found had it judged programs instead).

The model's answers are cached in ``OUT/llm.sqlite``, so a second run asks nothing again.

    python bench/llm_repairs.py --campaign runs/cov-30i --count 12 --seed 0 --out runs/llm-repairs
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fuzzfox.analysis import PROMPTS, read_shipped  # noqa: E402
from fuzzfox.config import CampaignOptions  # noqa: E402
from fuzzfox.generation.prompt import GenerationPrompt  # noqa: E402
from fuzzfox.generation.repair import LLMRepairer, RepairTicket, ticket_for_run  # noqa: E402
from fuzzfox.llm.cache import LLMCache  # noqa: E402
from fuzzfox.llm.client import LLMClient, LLMSettings  # noqa: E402
from fuzzfox.llm.endpoint import open_endpoint  # noqa: E402
from fuzzfox.program import Program  # noqa: E402
from fuzzfox.sandbox.pool import default_cache_dir  # noqa: E402
from fuzzfox.targets import get_target  # noqa: E402
from fuzzfox.whitebox.catalog import load_catalog  # noqa: E402
from fuzzfox.whitebox.optimization import Optimization  # noqa: E402
from oracles.verdict import Verdict  # noqa: E402

TAIL_S = 600.0  # the campaign's own rate is taken over its last 10 minutes


def missed_first_visits(campaign: Path, catalog: dict[str, Optimization]) -> list[RepairTicket]:
    """Repair tickets of the campaign's pattern-writer misses whose optimization nothing reached."""
    db = sqlite3.connect(campaign / "fuzzfox.sqlite")
    try:
        reached = {o for (o,) in db.execute("SELECT DISTINCT optimization FROM triggers")}
        rows = db.execute(
            "SELECT p.source, p.metadata, v.verdict FROM programs p JOIN runs r ON r.program_id = p.id "
            "JOIN verdicts v ON v.run_id = r.id WHERE p.origin IN ('pattern', 'opinfo') ORDER BY r.id"
        ).fetchall()
    finally:
        db.close()
    tickets, seen = [], set()
    for source, metadata, verdict in rows:
        program = Program(source, json.loads(metadata))
        if program.optimization in reached | seen or program.optimization not in catalog:
            continue
        if ticket := ticket_for_run(program, Verdict.from_dict(json.loads(verdict))):
            tickets.append(ticket)
            seen.add(program.optimization)
    return tickets


def campaign_rate(campaign: Path) -> float:
    """New optimizations per CPU-second over the campaign's last TAIL_S seconds (it had all the
    machine's cores, as llm_vs_free.py counts them)."""
    with (campaign / "plot.csv").open() as handle:
        rows = [(float(r["unix_time"]), int(r["optimizations_triggered"])) for r in csv.DictReader(handle)]
    end, reached_at_end = rows[-1]
    before = [reached for when, reached in rows if when <= end - TAIL_S]
    return (reached_at_end - (before[-1] if before else 0)) / (TAIL_S * (os.cpu_count() or 1))


def ask(tickets: list[RepairTicket], catalog: dict[str, Optimization], args: argparse.Namespace) -> dict:
    """Each ticket's repair, written under OUT/programs; what the model spent."""
    shipped = read_shipped(PROMPTS / args.target / "requirements")
    folder = args.out / "programs"
    folder.mkdir(parents=True, exist_ok=True)
    cache = LLMCache(args.out / "llm.sqlite")
    spent: dict[str, Any] = {"answers": 0, "programs": 0, "rejected": []}
    with open_endpoint(
        args.llm, None, default_cache_dir(), threads=args.llm_threads, log=args.out / "llm-server.log"
    ) as endpoint:
        settings = LLMSettings(
            base_url=endpoint.base_url, model=endpoint.model, temperature=CampaignOptions().temperature
        )
        client = LLMClient(settings, cache, "repair", guard=endpoint.guard)
        repairer = LLMRepairer(client, GenerationPrompt(args.target), endpoint.model, args.target)
        for number, ticket in enumerate(tickets):
            optimization = catalog[ticket.optimization]
            written = shipped.get(optimization.id)
            requirement = (
                written.text if written and written.source_hash == optimization.source_hash else None
            )
            candidates = repairer.repair(ticket, requirement, args.seed + number, optimization.source)
            spent["answers"] += 1
            for candidate in candidates:
                if candidate.program is not None:
                    spent["programs"] += 1
                    (folder / f"repair_{number:02d}.py").write_text(candidate.program.source)
                else:
                    spent["rejected"].append(candidate.reason or "")
            print(f"llm_repairs: [{number + 1}/{len(tickets)}] {ticket.optimization}", file=sys.stderr)
    # What the model spent when it answered (a rerun answers from the cache and spends nothing).
    tokens, seconds = cache.db.execute(
        "SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0), COALESCE(SUM(seconds), 0) "
        "FROM calls WHERE purpose = 'repair' AND cached = 0"
    ).fetchone()
    spent.update(tokens=tokens, seconds=seconds)
    cache.close()
    return spent


def judge(args: argparse.Namespace) -> dict[str, tuple[str, list[str]]]:
    """(outcome, triggers) of each repaired program, by its optimization."""
    judged = args.out / "judged"
    shutil.rmtree(judged, ignore_errors=True)  # judged afresh: a rerun's answers come from the cache
    command = [sys.executable, "-m", "fuzzfox", "run", str(args.out / "programs"), "--campaign", str(judged),
               "--oracle", "values", "--jobs", str(args.jobs)]  # fmt: skip
    subprocess.run(command, cwd=ROOT, check=False, stdout=subprocess.DEVNULL)
    db = sqlite3.connect(judged / "fuzzfox.sqlite")
    try:
        rows = db.execute(
            "SELECT p.optimization, r.outcome, GROUP_CONCAT(t.optimization) FROM programs p "
            "JOIN runs r ON r.program_id = p.id LEFT JOIN triggers t ON t.run_id = r.id GROUP BY r.id"
        ).fetchall()
    finally:
        db.close()
    return {optimization: (outcome, (triggers or "").split(",")) for optimization, outcome, triggers in rows}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--campaign", type=Path, required=True, help="a finished campaign directory")
    parser.add_argument("--count", type=int, default=12, help="misses to repair (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="which misses, and the model's seeds")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument("--llm", default="embedded", help="endpoint (default: embedded)")
    parser.add_argument("--llm-threads", type=int, default=1, help="embedded server threads (default: 1)")
    parser.add_argument("--jobs", type=int, default=2, help="sandbox workers for judging (default: 2)")
    parser.add_argument("--target", default="torch-inductor")
    args = parser.parse_args()
    if not (args.campaign / "fuzzfox.sqlite").exists():
        raise SystemExit(f"llm_repairs: no campaign store in {args.campaign}")
    catalog = {o.id: o for o in load_catalog(get_target(args.target), default_cache_dir()) if o.cpu}
    tickets = missed_first_visits(args.campaign, catalog)
    random.Random(args.seed).shuffle(tickets)
    tickets = tickets[: args.count]
    if not tickets:
        raise SystemExit("llm_repairs: the campaign has no missed first visit of an unreached optimization")
    spent = ask(tickets, catalog, args)
    verdicts = judge(args)
    ran = [o for o, (outcome, _) in verdicts.items() if outcome != "invalid"]
    reached = [o for o, (_, triggers) in verdicts.items() if o in triggers]
    model_rate = len(reached) / spent["seconds"] if spent["seconds"] else 0.0
    result: dict[str, Any] = {
        "campaign": str(args.campaign),
        "misses": len(tickets),
        "programs": spent["programs"],
        "ran": len(ran),
        "reached": sorted(reached),
        "rejected": spent["rejected"],
        "model_seconds": round(spent["seconds"], 1),
        "tokens": spent["tokens"],
        "new_per_model_cpu_s": round(model_rate, 4),
        "campaign_new_per_cpu_s_last_10_min": round(campaign_rate(args.campaign), 4),
    }
    (args.out / "result.json").write_text(json.dumps(result, indent=2) + "\n")
    whole = max(len(tickets), 1)
    print(
        f"{len(tickets)} misses of unreached optimizations repaired by the model\n"
        f"  answers that are programs: {spent['programs']} ({100 * spent['programs'] / whole:.0f} %)\n"
        f"  the others, rejected: {'; '.join(r[:80] for r in spent['rejected']) or '-'}\n"
        f"  ran without a compiler:    {len(ran)} ({100 * len(ran) / whole:.0f} %)\n"
        f"  reached the optimization:  {len(reached)} ({100 * len(reached) / whole:.0f} %)"
        f" {sorted(reached)}\n"
        f"  model time: {spent['seconds']:.0f} s ({spent['seconds'] / whole:.0f} s a repair, one thread), "
        f"{spent['tokens']} tokens\n"
        f"  new optimizations per CPU-second: model {model_rate:.4f}, the campaign's last 10 minutes "
        f"{result['campaign_new_per_cpu_s_last_10_min']:.4f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
