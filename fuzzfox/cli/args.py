"""What the command-line modules share: exit statuses, the default target, progress notes on stderr
and argparse ``type=`` callables."""

from __future__ import annotations

import argparse
import sys

# Every fuzzfox command exits with one of these (the README's "Exit status" section).
EXIT_CLEAN = 0  # done, no bug candidate
EXIT_BUGS = 1  # done, bug candidates found
EXIT_USAGE = 2  # bad input: an option, a file, a missing framework, an unreachable LLM
# fuzzfox itself failed (an exception no command expects). Not 1: a crashed campaign must not read
# as "bug candidates found" to a script or a Makefile that accepts 1.
EXIT_INTERNAL = 3

# The target of run, optimizations and analyze when none is named.
DEFAULT_TARGET = "torch-inductor"


def note(message: str) -> None:
    print(f"fuzzfox: {message}", file=sys.stderr, flush=True)


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, not {value}")
    return value


def comma_list(text: str) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]``: names separated by commas, blanks dropped."""
    return [name.strip() for name in text.split(",") if name.strip()]
