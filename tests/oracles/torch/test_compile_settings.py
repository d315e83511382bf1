"""Compile settings (``# compile:``): dynamic shapes, a second call on a new size, fullgraph,
data-dependent capture; a fault that needs them is caught, and triage bisects to the one needed."""

from __future__ import annotations

import numpy as np
import pytest

from fuzzfox.program import Program, parse_program
from fuzzfox.targets import get_target
from fuzzfox.triage.minimize import minimize
from oracles import boundary
from oracles.phases import PhaseLog
from oracles.torch.compile_settings import CompileSettings
from oracles.verdict import Outcome

ROWS = """# target: torch-inductor
# description: a row-wise softmax times a scale
{header}import torch


class Model(torch.nn.Module):
    def forward(self, x):
        return torch.softmax(x, dim=-1) * 3.0 + x.sum(0)


def make_inputs():
    return (torch.randn(6, 5),)
"""


def rows(header: str = "") -> Program:
    return parse_program(ROWS.format(header=header))


def judge(program: Program, backend: str) -> Outcome:
    target = get_target("torch-inductor")
    settings = {"backends": [backend], "input_draws": 0}
    return target.run_program(program, settings, PhaseLog())


def test_settings_are_checked_with_a_reason() -> None:
    assert CompileSettings.parse({"dynamic": "marked", "resize": True}).draws() == ("resized",)
    with pytest.raises(ValueError, match="unknown compile setting 'dynamc'"):
        CompileSettings.parse({"dynamc": True})
    with pytest.raises(ValueError, match="dynamic='yes': use False, True or marked"):
        CompileSettings.parse({"dynamic": "yes"})


def test_the_resized_draw_grows_the_batch_of_the_inputs_that_share_it() -> None:
    batch, weights, scalar = np.ones((3, 2)), np.ones((5, 2)), 2.0
    grown = boundary.draw_inputs((batch, batch * 2, weights, scalar), boundary.RESIZED, 0)
    assert [getattr(x, "shape", None) for x in grown] == [(4, 2), (4, 2), (5, 2), None]
    assert np.array_equal(grown[1][3], batch[0] * 2)  # the first row, repeated


def test_the_resized_draw_leaves_per_channel_vectors_beside_a_batch_alone() -> None:
    # native_batch_norm's (3, 1) input with its (1,) weight, bias and running statistics: the
    # vectors' size is the channel count, and grown they no longer fit (eager and Inductor then
    # disagree on an input neither defines)
    batch, channel = np.ones((3, 1)), np.ones(1)
    grown = boundary.draw_inputs((batch, channel, channel, channel), boundary.RESIZED, 0)
    assert [x.shape for x in grown] == [(4, 1), (1,), (1,), (1,)]
    vectors = boundary.draw_inputs((np.ones(3), np.ones(3), np.ones(5)), boundary.RESIZED, 0)
    assert [x.shape for x in vectors] == [(4,), (4,), (5,)]  # vectors alone are the batch


def test_a_header_with_an_unknown_setting_makes_the_program_invalid() -> None:
    verdict = judge(rows("# compile: dynamic=maybe\n"), "inductor")
    assert verdict.outcome is Outcome.INVALID and "dynamic='maybe'" in verdict.summary


def test_a_fault_in_symbolic_shapes_is_caught_only_with_them_and_bisects_to_dynamic() -> None:
    assert judge(rows(), "faulty_symbolic_sizes").outcome is Outcome.PASS
    assert judge(rows("# compile: dynamic=marked\n"), "inductor").outcome is Outcome.PASS
    noisy = rows(
        "# compile: fullgraph=True, dynamic=True, capture_scalar_outputs=True\n# config: freezing=False\n"
    )
    assert judge(noisy, "faulty_symbolic_sizes").outcome is Outcome.BUG

    def still_fails(programs: list[Program]) -> list[bool]:
        return [judge(p, "faulty_symbolic_sizes").outcome is Outcome.BUG for p in programs]

    result = minimize(noisy, still_fails, budget_tests=8)
    assert result.program.compile_settings == {"dynamic": True}
    assert "config" not in result.program.metadata


def test_a_recompile_on_a_new_size_is_not_a_bug_and_a_wrong_value_after_one_is() -> None:
    from torch._dynamo.utils import counters

    resized = rows("# compile: resize=True\n")
    graphs = counters["stats"]["unique_graphs"]
    assert judge(resized, "inductor").outcome is Outcome.PASS
    assert counters["stats"]["unique_graphs"] - graphs >= 2  # the new size compiled again
    verdict = judge(resized, "faulty_symbolic_sizes")  # the recompile is symbolic, and wrong
    assert (verdict.outcome, verdict.draw) == (Outcome.BUG, boundary.RESIZED)


def test_a_graph_break_under_fullgraph_is_not_a_bug() -> None:
    program = parse_program(
        ROWS.format(header="# compile: fullgraph=True\n").replace(
            "return torch.softmax", "print('a graph break')\n        return torch.softmax"
        )
    )
    verdict = judge(program, "inductor")
    assert verdict.outcome is Outcome.INVALID and "fullgraph=True" in verdict.summary


def test_a_marked_size_the_program_pins_is_not_a_bug() -> None:
    # Found by the first 30-minute campaign with compile settings: a hard mark_dynamic on a batch
    # that torch.split(x, 1) unpacks into three names raised ConstraintViolationError.
    pinned = parse_program(
        ROWS.format(header="# compile: dynamic=marked, resize=True\n").replace(
            "return torch.softmax(x, dim=-1) * 3.0 + x.sum(0)",
            "a, b, c = torch.split(x, 2, dim=0)\n        return a + c",
        )
    )
    assert judge(pinned, "aot_eager").outcome is Outcome.PASS


def test_the_compiled_gradient_is_compiled_under_the_programs_settings() -> None:
    target = get_target("torch-inductor")

    def gradients(program: Program) -> object:
        settings = {"backends": ["faulty_symbolic_sizes"], "oracles": ["grads"], "input_draws": 0}
        return target.run_program(program, settings, PhaseLog())

    assert gradients(rows()).outcome is Outcome.PASS  # static: the backend is correct
    verdict = gradients(rows("# compile: dynamic=True\n"))
    assert (verdict.outcome, verdict.backend) == (Outcome.BUG, "compiled-reverse")
    broken = parse_program(
        ROWS.format(header="# compile: fullgraph=True\n").replace(
            "return torch.softmax", "print('a graph break')\n        return torch.softmax"
        )
    )
    verdict = gradients(broken)
    assert verdict.outcome is Outcome.INVALID and "fullgraph=True" in verdict.summary
