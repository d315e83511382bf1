"""Whether a fault's campaign reached the code the fault patches: what tells two misses apart.

A fault not found was either never reached (no program made Inductor, JAX or TF run the patched
rule: a generation problem) or reached without taking its faulty branch (the arguments or input
values that fire it never came: an input or argument-variety problem).  The catalog locates every
optimization (file, first and last line); the optimizations whose lines hold a patched line are
the fault's, and the campaign's store records which optimizations each run triggered.  Code that
is no catalogued optimization (a codegen helper such as the C++ vectorized ``sign``) has none, and
its reach is unknown.  Nothing here imports a framework.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fuzzfox.generation.synth_aim import PER_OP_KINDS
from fuzzfox.targets import get_target
from fuzzfox.whitebox.catalog import CATALOG_FORMAT
from fuzzfox.whitebox.optimization import Optimization

OPINFO_CALL = re.compile(r"torch\.ops\.(aten|prims)\.(\w+)\.")  # in a program of origin ``opinfo``


def patched_lines(text: str, olds: Sequence[str]) -> list[tuple[int, int]]:
    """The 1-based (first, last) lines of each ``old`` text in ``text`` (those that occur)."""
    spans = []
    for old in olds:
        start = text.find(old)
        if start < 0:
            continue
        first = text.count("\n", 0, start) + 1
        spans.append((first, first + old.rstrip("\n").count("\n")))
    return spans


@functools.cache
def catalog_of(target: str, cache_dir: Path) -> list[dict[str, Any]] | None:
    """The optimizations of ``target``'s cached catalog for the installed framework version (the
    file ``load_catalog`` writes), or None if none is cached; read once per process."""
    plugin = get_target(target)
    path = cache_dir / "catalog" / f"{plugin.name}-{plugin.version()}{CATALOG_FORMAT}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())["optimizations"]


def faulted_optimizations(
    catalog: list[dict[str, Any]], fault_file: str, spans: Sequence[tuple[int, int]], olds: Sequence[str]
) -> list[str]:
    """The catalog's optimizations in ``fault_file`` (``torch/_inductor/lowering.py``; the catalog
    names files from inside the package) whose lines hold a patched line; where none does (the
    patch is in a helper), those whose recorded source (the rewrite with the same-module helpers
    it calls, such as an ``extra_check``) holds the longest line of a patched text."""
    inside = [o for o in catalog if o["file"] == fault_file.split("/", 1)[-1]]
    spanned = [
        o["id"]
        for o in inside
        if any(first <= o["last_line"] and o["first_line"] <= last for first, last in spans)
    ]
    if spanned:
        return sorted(spanned)
    marks = [max((line.strip() for line in old.splitlines()), key=len) for old in olds if old.strip()]
    return sorted(o["id"] for o in inside if any(mark in o.get("source", "") for mark in marks))


def reaching_programs(database: Path, optimizations: Sequence[str]) -> tuple[int, float | None]:
    """How many programs of the campaign in ``database`` triggered one of ``optimizations``, and
    when the first of them finished (minutes from the campaign's creation; None if none did)."""
    if not optimizations or not database.exists():
        return 0, None
    db = sqlite3.connect(database)
    try:
        marks = ", ".join("?" for _ in optimizations)
        count, first = db.execute(
            f"SELECT COUNT(DISTINCT runs.program_id), MIN(runs.finished) FROM runs "
            f"JOIN triggers ON triggers.run_id = runs.id WHERE triggers.optimization IN ({marks})",
            list(optimizations),
        ).fetchone()
        created = db.execute("SELECT value FROM campaign_meta WHERE key = 'created'").fetchone()
    except sqlite3.OperationalError:
        return 0, None
    finally:
        db.close()
    if not count or first is None or created is None:
        return int(count or 0), None
    return int(count), round((float(first) - float(created[0])) / 60, 2)


def coverage(database: Path, catalog: Sequence[dict[str, Any]] | None) -> dict[str, int | None]:
    """What the campaign in ``database`` reached at all: catalog optimizations some program
    triggered, and their handlers (distinct sources: 405 pattern optimizations of torch 2.13 share
    92) among the patterns (every kind but decompositions and lowerings, each its own handler)."""
    if not database.exists():
        return {"optimizations_reached": None, "pattern_handlers_reached": None}
    db = sqlite3.connect(database)
    try:
        reached = {row[0] for row in db.execute("SELECT DISTINCT optimization FROM triggers")}
    except sqlite3.OperationalError:
        reached = set()
    finally:
        db.close()
    patterns = {o["id"]: o for o in catalog or [] if o["kind"] not in PER_OP_KINDS}
    handlers = {Optimization.from_dict(patterns[o]).source_hash for o in reached if o in patterns}
    return {
        "optimizations_reached": len(reached),
        "pattern_handlers_reached": len(handlers) if catalog else None,
    }


def ops_called_by_opinfo_programs(database: Path) -> set[str]:
    """The ops (``aten.diagonal``) whose own recorded OpInfo call one of the campaign's judged
    programs made (programs of origin ``opinfo``: first visits of table entries and their bundles).
    A table entry ``lowering.aten.diagonal`` reached only through other programs (a ``trace``
    decomposing into ``diagonal``) met the arguments those chose, not its own call's."""
    if not database.exists():
        return set()
    db = sqlite3.connect(database)
    try:
        sources = db.execute(
            "SELECT DISTINCT programs.source FROM programs JOIN runs ON runs.program_id = programs.id "
            "WHERE programs.origin = 'opinfo'"
        ).fetchall()
    except sqlite3.OperationalError:
        return set()
    finally:
        db.close()
    return {f"{space}.{op}" for (source,) in sources for space, op in OPINFO_CALL.findall(source)}


def own_call_made(faulted: Sequence[dict[str, Any]], called: set[str]) -> bool | None:
    """Whether one of the ``faulted`` catalog optimizations that has recorded OpInfo calls (a
    decomposition or a lowering; backward entries have none) had its own call made; None when
    none of them has calls."""
    entries = [o["id"].split(".", 1)[1] for o in faulted if (o.get("recipe") or {}).get("calls")]
    return any(entry in called for entry in entries) if entries else None
