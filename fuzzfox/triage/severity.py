"""How bad a bug is, by kind: the order in which triage and every report list clusters.

``SEVERITY`` is the order, most severe first, as data: each kind and the symptoms it holds.

1. wrong result (value, gradient, shape, dtype): silent, the user gets a wrong answer and no
   error, so nothing tells them;
2. crash: the compiler raises or dies where eager runs (compile or runtime): loud, but it blocks;
3. status: eager and compiled disagree on whether the program is an error (eager raises and
   compiled runs: a check the compiled code lost); the program is at fault either way, only the
   error is missing;
4. timeout: the compiled run hangs or is too slow, often the machine rather than the compiler.

A symptom no kind holds (a future one) comes after all of them.  Within a kind, clusters with more
members come first (more programs hit the bug), then the one first seen earlier, then by id, so
the order is total and stable.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from oracles.verdict import Symptom

if TYPE_CHECKING:
    from fuzzfox.triage.clusters import Cluster

SEVERITY: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "wrong result",
        frozenset({Symptom.WRONG_VALUE, Symptom.WRONG_GRADIENT, Symptom.WRONG_SHAPE, Symptom.WRONG_DTYPE}),
    ),
    ("crash", frozenset({Symptom.CRASH})),
    ("status", frozenset({Symptom.STATUS})),
    ("timeout", frozenset({Symptom.TIMEOUT})),
)
OTHER_KIND = "other"


def severity(symptom: str) -> int:
    """1 for the most severe kind, ``len(SEVERITY) + 1`` for a symptom no kind holds."""
    return next(
        (rank for rank, (_, symptoms) in enumerate(SEVERITY, 1) if symptom in symptoms), len(SEVERITY) + 1
    )


def kind_of(symptom: str) -> str:
    """The kind's name: ``wrong result``, ``crash``, ``status``, ``timeout`` (or ``other``)."""
    rank = severity(symptom)
    return SEVERITY[rank - 1][0] if rank <= len(SEVERITY) else OTHER_KIND


def severity_label(symptom: str) -> str:
    """Rank and kind in a few characters, for tables: ``1 wrong result``."""
    return f"{severity(symptom)} {kind_of(symptom)}"


def rank_key(cluster: Cluster) -> tuple[int, int, float, str]:
    return severity(cluster.signature.symptom), -len(cluster.members), cluster.first_seen, cluster.id


def ranked(clusters: Iterable[Cluster]) -> list[Cluster]:
    """Most severe kind first; within a kind, most members first, then first seen (module docstring)."""
    return sorted(clusters, key=rank_key)
