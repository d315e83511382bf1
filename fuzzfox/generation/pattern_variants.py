"""What the pattern-directed writers share: the header their programs carry, and how a writer's
canonical program and its drawn variants become a list of distinct programs."""

from __future__ import annotations

import random
from collections.abc import Callable

from fuzzfox.program import Program

TARGET = "torch-inductor"
ORIGIN = "pattern"
TRIES_PER_PROGRAM = 3  # variants may coincide (few sizes to draw from) or fail to write


def header(optimization: str, mode: str = "inference", origin: str = ORIGIN) -> list[str]:
    """The first header lines of a program written for ``optimization`` (no parent)."""
    return [
        f"# target: {TARGET}",
        f"# optimization: {optimization}",
        f"# origin: {origin}",
        "# parent: -",
        f"# mode: {mode}",
    ]


def distinct_variants(
    write: Callable[[random.Random | None], Program | None], seed: int, count: int
) -> list[Program]:
    """Up to ``count`` distinct programs: ``write(None)`` (the canonical one) first, then
    ``write(rng)`` for variants drawn from ``seed``."""
    rng = random.Random(seed)
    written: dict[str, Program] = {}
    for variant in range(count * TRIES_PER_PROGRAM):
        if len(written) >= count:
            break
        program = write(rng if variant else None)
        if program is not None:
            written.setdefault(program.id, program)
    return list(written.values())
