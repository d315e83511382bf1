"""Optimization coverage: what the campaign triggered, out of what the target's catalog holds.

The campaign store records triggers, not the catalog: totals come from the target's catalog
(extracted from the installed framework and cached per version, as ``fuzzfox optimizations``
does), counting the CPU-reachable optimizations as the campaign does.  When the catalog cannot be
had (the framework is absent here), totals fall back to the campaign's ``stats.json``, and the
per-pass table shows triggers only.
"""

from __future__ import annotations

import dataclasses
import sqlite3

import pandas as pd

from fuzzfox.sandbox.pool import default_cache_dir
from fuzzfox.targets import UnknownTargetError, get_target
from fuzzfox.whitebox.catalog import CatalogError, load_catalog


@dataclasses.dataclass
class Coverage:
    by_pass: pd.DataFrame  # pass, triggered, total, triggered %
    triggered: pd.DataFrame  # one row per triggered optimization: id, pass, runs, programs, bug runs
    triggered_count: int  # of the catalog's optimizations (all triggered ones without a catalog)
    total: int | None  # None when neither the catalog nor stats.json says
    source: str  # where the totals come from, for the report's footnote
    outside_catalog: list[str] = dataclasses.field(default_factory=list)  # triggered, not in it


def pass_of(optimization: str) -> str:
    """``joint_graph.pointless_view`` -> ``joint_graph`` (the fx_passes module it lives in)."""
    return optimization.split(".", 1)[0]


def coverage(db: sqlite3.Connection, target: str | None, stats_total: int | None) -> Coverage:
    triggered = pd.DataFrame(
        db.execute(
            "SELECT t.optimization, COUNT(*), COUNT(DISTINCT r.program_id), "
            "SUM(r.outcome = 'bug'), MIN(r.finished) FROM triggers t JOIN runs r ON r.id = t.run_id "
            "GROUP BY t.optimization ORDER BY COUNT(*) DESC, t.optimization"
        ).fetchall(),
        columns=["optimization", "runs", "programs", "bug runs", "first seen"],
    )
    triggered.insert(1, "pass", triggered["optimization"].map(pass_of))
    catalog_ids, source = _catalog_ids(target)
    total = len(catalog_ids) if catalog_ids is not None else stats_total
    if catalog_ids is None and stats_total is not None:
        source += "; the total is the campaign's stats.json figure"
    known = set(catalog_ids or ()) | set(triggered["optimization"])
    per_pass = pd.DataFrame({"optimization": sorted(known)})
    per_pass["pass"] = per_pass["optimization"].map(pass_of)
    reached = per_pass["optimization"].isin(set(triggered["optimization"]))
    per_pass["in catalog"] = per_pass["optimization"].isin(set(catalog_ids or ()))
    if catalog_ids is None:
        per_pass["triggered"], per_pass["not in catalog"] = reached, False
    else:
        # A probe may report an optimization the catalog leaves out (not CPU-reachable by its
        # rules, or no pattern entry): counted apart, so no pass shows "1 of 0".
        per_pass["triggered"] = reached & per_pass["in catalog"]
        per_pass["not in catalog"] = reached & ~per_pass["in catalog"]
    outside = sorted(per_pass.loc[per_pass["not in catalog"], "optimization"])
    count = int(per_pass["triggered"].sum())
    return Coverage(_by_pass(per_pass, catalog_ids is not None), triggered, count, total, source, outside)


def _by_pass(per_pass: pd.DataFrame, with_catalog: bool) -> pd.DataFrame:
    """One row per pass: triggered, and with a catalog its total and triggered %, and the
    triggered optimizations it does not list where there are any."""
    by_pass = (
        per_pass.groupby("pass")
        .agg(
            triggered=("triggered", "sum"),
            total=("in catalog", "sum"),
            **{"not in catalog": ("not in catalog", "sum")},
        )
        .reset_index()
        .astype({"triggered": int, "total": int, "not in catalog": int})
    )
    if not by_pass["not in catalog"].any():
        by_pass = by_pass.drop(columns="not in catalog")
    if with_catalog:
        by_pass["triggered %"] = (100.0 * by_pass["triggered"] / by_pass["total"].clip(lower=1)).round(1)
    else:
        by_pass = by_pass.drop(columns="total")
    return by_pass.sort_values(["triggered", "pass"], ascending=[False, True], ignore_index=True)


def _catalog_ids(target: str | None) -> tuple[list[str] | None, str]:
    """CPU-reachable optimization ids of the target's catalog, and a line saying where they came from."""
    if not target:
        return None, "no target recorded, so no catalog"
    try:
        plugin = get_target(target)
    except UnknownTargetError as error:
        return None, str(error)
    if reason := plugin.missing_reason():
        return None, f"catalog unavailable here: {reason}"
    try:
        catalog = load_catalog(plugin, default_cache_dir())
    except CatalogError as error:
        return None, f"catalog unavailable: {error}"
    return (
        [o.id for o in catalog if o.cpu],
        f"totals: the CPU-reachable optimizations of the {target} catalog for {plugin.framework} "
        f"{plugin.version()} (`fuzzfox optimizations list --cpu-only`)",
    )
