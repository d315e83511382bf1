"""What the recorded OpInfo calls of torch's decomposition and lowering tables give the campaign.

A first visit of a table entry makes one of its recorded calls (:mod:`fuzzfox.targets.torch.op_samples`),
so the calls' variety is what those first visits can reach: an argument value no call gives (a
negative ``decimals``, a second rolled dim) is a branch no bundle takes, and a call on an empty
tensor checks no value.  For each catalog file given (an extracted ``torch-inductor-*.json``, e.g.
one before and one after a change to the extraction), prints: entries with calls, calls, calls on
an empty tensor, entries whose calls are all on empty tensors, and distinct argument values over
the entries (:func:`~fuzzfox.generation.op_sample_programs.argument_values`, summed per entry).
Run:  .venv/bin/python bench/catalog_calls.py CATALOG.json [CATALOG.json ...]
  (extract one with: .venv/bin/python -m fuzzfox.targets.torch.extract > CATALOG.json)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fuzzfox.generation.op_sample_programs import argument_values  # noqa: E402
from fuzzfox.targets.torch.op_samples import on_empty_tensor  # noqa: E402

COLUMNS = ("entries", "calls", "on_empty", "all_empty", "argument_values")


def call_counts(catalog: dict[str, Any]) -> dict[str, int]:
    counts = dict.fromkeys(COLUMNS, 0)
    for optimization in catalog["optimizations"]:
        calls = (optimization.get("recipe") or {}).get("calls") or []
        if not calls:
            continue
        empty = [on_empty_tensor(call) for call in calls]
        counts["entries"] += 1
        counts["calls"] += len(calls)
        counts["on_empty"] += sum(empty)
        counts["all_empty"] += all(empty)
        counts["argument_values"] += len(set().union(*(argument_values(call) for call in calls)))
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalogs", nargs="+", type=Path, help="extracted torch-inductor catalog files")
    args = parser.parse_args()
    print(f"{'catalog':<40} " + " ".join(f"{name:>15}" for name in COLUMNS))
    for path in args.catalogs:
        try:
            counts = call_counts(json.loads(path.read_text()))
        except (OSError, ValueError, KeyError) as error:
            print(f"{path}: not a catalog ({error})", file=sys.stderr)
            return 2
        print(f"{path.name:<40} " + " ".join(f"{counts[name]:>15}" for name in COLUMNS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
