"""The op-graph synthesizer: deterministic per seed, always a program, and shape-correct when run.

The shape rules are checked by running synthesized programs eagerly with torch: a program that
fails is a wrong rule, so the failing source is printed.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from typing import Any

from hypothesis import HealthCheck, given, settings

from fuzzfox.generation.synth import MAX_OPS, MIN_OPS, OP_NAMES, op_graphs, synthesize
from fuzzfox.program import Program, parse_program
from tests.conftest import ROOT, requires_torch

RUNNABLE_RATE = 0.95


def eager_error(program: Program) -> str | None:
    """Run a program as the oracle does (no_grad for inference; here also backward for training)."""
    import torch

    namespace: dict[str, Any] = {"__name__": "synthesized_program"}
    try:
        exec(compile(program.source, program.name, "exec"), namespace)
        torch.manual_seed(0)
        model = namespace["Model"]()
        torch.manual_seed(0)
        inputs = namespace["make_inputs"]()
        training = program.mode == "training"
        with contextlib.nullcontext() if training else torch.no_grad():
            output = model(*inputs)
        outputs = output if isinstance(output, tuple) else (output,)
        if training:
            sum(o.float().sum() for o in outputs if o.requires_grad).backward()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def test_the_same_seed_draws_the_same_programs_and_another_seed_others() -> None:
    first = synthesize(7, 12)
    assert [p.source for p in first] == [p.source for p in synthesize(7, 12)]
    assert len({p.id for p in first}) == 12
    other = synthesize(8, 12)
    assert len({p.id for p in first} & {p.id for p in other}) <= 1


def test_one_program_per_seed_is_not_hypothesis_s_simplest_one_every_time() -> None:
    """The first example of every hypothesis run is the same minimal one; synthesize skips it."""
    drawn = [synthesize(seed, 1)[0].id for seed in range(6)]
    assert len(set(drawn)) == 6


def test_determinism_holds_across_processes_and_nothing_imports_torch() -> None:
    script = textwrap.dedent(
        """
        import hashlib, sys
        from fuzzfox.generation.synth import synthesize
        from fuzzfox.generation import mutate
        digest = hashlib.sha256("".join(p.source for p in synthesize(5, 10)).encode()).hexdigest()
        print(digest, "torch" in sys.modules)
        """
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        ).stdout.strip()
        for hash_seed in ("1", "2")
    }
    assert len(outputs) == 1
    assert outputs.pop().endswith(" False")


def test_every_program_parses_with_the_synth_header() -> None:
    programs = synthesize(3, 30, optimization="pointless_permute_pair")
    assert len(programs) == 30
    for program in programs:
        reparsed = parse_program(program.source)
        assert reparsed.metadata == {
            "target": "torch-inductor",
            "optimization": "pointless_permute_pair",
            "origin": "synth",
            "parent": "-",
            "mode": program.mode,
        }
        forward = program.source.split("def forward")[1].split("\n\n")[0]
        assert MIN_OPS <= forward.count(" = ") <= MAX_OPS


def test_an_empty_optimization_is_an_empty_header_value() -> None:
    (program,) = synthesize(1, 1)
    assert program.optimization == ""
    assert "# optimization:\n" in program.source


def test_programs_cover_the_op_table_dtypes_and_modes() -> None:
    programs = [program for seed in (1, 2, 3) for program in synthesize(seed, 80)]
    sources = "\n".join(p.source for p in programs)
    spellings = (
        "torch.nn.Linear(", "torch.nn.Conv", "torch.nn.LayerNorm(", "torch.nn.BatchNorm",
        "torch.nn.Parameter(", "torch.cat(", "torch.stack(", "split(", "chunk(", "softmax(", ".permute(",
        ".transpose(", "reshape(", "flatten(", "unsqueeze(", "torch.where(", "clamp", "@ ", "keepdim=True",
        "self.eval()", ".item()", "torch.nonzero(",
    )  # fmt: skip
    assert [s for s in spellings if s not in sources] == []
    assert {p.mode for p in programs} == {"inference", "training"}
    dtypes = {
        d for d in ("bfloat16", "float16", "float64") for p in programs if f"dtype=torch.{d}" in p.source
    }
    assert dtypes == {"bfloat16", "float16", "float64"}
    assert len(OP_NAMES) >= 20
    inputs = "\n".join(p.source.split("def make_inputs")[1] for p in programs)
    layouts = (".expand(", "::2]", ".transpose(0, 1).contiguous().transpose(0, 1)", "channels_last")
    assert [s for s in layouts if s not in inputs] == []


def test_zero_programs() -> None:
    assert synthesize(0, 0) == []


@requires_torch
def test_forty_synthesized_programs_run_eagerly() -> None:
    programs = synthesize(2024, 40)
    failures = [(program, error) for program in programs if (error := eager_error(program))]
    print(f"synth: {len(programs) - len(failures)}/{len(programs)} run eagerly")
    report = "\n\n".join(f"{error}\n{program.source}" for program, error in failures)
    assert len(failures) <= (1 - RUNNABLE_RATE) * len(programs), report


@requires_torch
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(op_graphs(optimization="any"))
def test_any_drawn_graph_runs_eagerly(program: Program) -> None:
    error = eager_error(program)
    assert error is None, f"{error}\n{program.source}"
