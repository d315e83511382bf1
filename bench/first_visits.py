"""Where a torch campaign's first visits go, by the campaign's own draw, without compiling anything.

A short campaign is mostly first visits (the pattern writer's program for a pattern, an OpInfo
bundle for a decomposition or a lowering), drawn by ``Campaign.draw``.  This replays ``--visits``
such draws on the installed torch's catalog (no seeds, no judging: each drawn optimization is
marked visited as its batch would mark it, a bundle's companions with it) and prints: draws that
were bundles and pattern programs, table entries whose own call was made, and the distinct
handlers (source hashes) the pattern programs went to, in total and among the first ``--early``
pattern programs.  Run it on two checkouts to compare two draw policies:
  .venv/bin/python bench/first_visits.py [--visits 60] [--early 20] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fuzzfox.campaign import Campaign  # noqa: E402
from fuzzfox.config import CampaignOptions  # noqa: E402
from fuzzfox.generation.generators import PatternGenerator  # noqa: E402

SEED_PROGRAM = "pointless_cumsum.py"  # a campaign needs a seed corpus; one seed, never judged here


def replay(visits: int, early: int, seed: int) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as scratch:
        seeds = Path(scratch) / "seeds"
        seeds.mkdir()
        (seeds / SEED_PROGRAM).write_text((ROOT / "corpus" / "torch-inductor" / SEED_PROGRAM).read_text())
        campaign = Campaign(Path(scratch) / "c", CampaignOptions(llm="none", seeds=[str(seeds)]))
        try:
            pattern = PatternGenerator(campaign.catalog)
            campaign.generators = {"pattern": pattern}
            campaign.options.generators = {"pattern": 1.0}
            bundles, sources = 0, []
            for number in range(visits):
                rng = random.Random(f"{seed}:{number}")
                drawn = campaign.draw(rng)
                if drawn is None:
                    break
                optimization = drawn[0]
                if optimization in pattern.bundlable:
                    bundles += 1
                    campaign._bundle_companions(optimization, rng)
                else:
                    sources.append(campaign.catalog[optimization].source_hash)
                batch = campaign.feedback.open_batch(number, optimization, "pattern", [], [], [])
                campaign.feedback.close_batch(batch, [])
            owed = campaign._owed_calls()
        finally:
            campaign.close()
    return {
        "draws": bundles + len(sources),
        "bundles": bundles,
        "pattern programs": len(sources),
        "table entries called": len(pattern.bundlable) - len(owed),
        "pattern handlers": len(set(sources)),
        f"handlers in the first {early}": len(set(sources[:early])),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=60, help="first visits to draw (default: 60)")
    parser.add_argument("--early", type=int, default=20, help="pattern programs counted early (default: 20)")
    parser.add_argument("--seed", type=int, default=0, help="the campaign seed (default: 0)")
    args = parser.parse_args()
    if args.visits < 1 or args.early < 1:
        parser.error("--visits and --early must be positive")
    for name, value in replay(args.visits, args.early, args.seed).items():
        print(f"{name:<28} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
