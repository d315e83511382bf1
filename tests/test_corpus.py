"""The seed corpus: well-formed, one optimization per file, and no false alarms on real torch."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from fuzzfox.program import load_program
from tests.conftest import CORPUS, requires_torch, run_cli

MINIMUM_PROGRAMS = 40


def corpus_programs():
    return [load_program(path, "torch-inductor") for path in sorted(CORPUS.glob("*.py"))]


def test_corpus_is_well_formed_and_each_program_aims_at_its_own_optimization() -> None:
    programs = corpus_programs()
    assert len(programs) >= MINIMUM_PROGRAMS
    for program in programs:
        stem = program.name.removesuffix(".py")
        assert program.target == "torch-inductor", program.name
        assert program.optimization == stem, f"{program.name}: optimization {program.optimization!r}"
        assert program.metadata.get("origin") == "seed", program.name
        assert program.metadata.get("description"), f"{program.name} has no description"
    assert len({p.id for p in programs}) == len(programs), "two corpus files are the same program"


@requires_torch
@pytest.mark.parametrize(
    "every", [pytest.param(6, id="every-sixth"), pytest.param(1, id="all", marks=pytest.mark.slow)]
)
def test_unmodified_torch_gives_no_bug_candidates_on_the_corpus(tmp_path: Path, every: int) -> None:
    """The whole corpus takes ~80 s on 2 cores: the default suite judges every sixth program,
    the slow set all of them."""
    chosen = sorted(CORPUS.glob("*.py"))[::every]
    folder = tmp_path / "programs"
    folder.mkdir()
    for path in chosen:
        shutil.copy(path, folder)
    result = run_cli("run", str(folder), "--jobs", "2", "--campaign", str(tmp_path / "c"))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    counts = re.search(r"(\d+) programs: (\d+) pass, (\d+) bug, (\d+) dropped, (\d+) invalid", result.stdout)
    assert counts is not None, result.stdout[-2000:]
    total, passed, bugs, dropped, invalid = map(int, counts.groups())
    assert (total, bugs, invalid) == (len(chosen), 0, 0), result.stdout[-4000:]
    assert passed + dropped == total
