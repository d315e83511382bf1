"""The gradient oracle on real torch programs, through the real sandbox (fork-server pool).

Faults are real code: custom ``autograd.Function``s with a wrong backward or a wrong jvp
(tests/programs/faults/grad_wrong_*.py) and Dynamo backends in ``oracles.faulty_backends`` that break
the compiled backward (``faulty_backward``) or reproduce pytorch#93829 (``faulty_uint8_neg``).
Each is caught by the comparison that names it, and the same programs under plain Inductor (or a
correct program) stay quiet.
"""

from __future__ import annotations

import numpy as np
import pytest

from fuzzfox.sandbox.isolation import Limits
from fuzzfox.sandbox.pool import PoolConfig, run_programs
from oracles.verdict import Outcome, Symptom, Verdict
from tests.conftest import program, requires_torch, run_cli

pytestmark = requires_torch

BOTH = ["values", "grads"]


def judge(names: list[str], backends: list[str], oracles: list[str]) -> dict[str, Verdict]:
    config = PoolConfig(
        "torch-inductor",
        {"backends": backends, "oracles": oracles, "probe": False},
        jobs=1,
        limits=Limits(timeout_s=180.0),
    )
    return {p.name: v for p, v in run_programs(config, [program(name) for name in names])}


@pytest.fixture(scope="module")
def under_inductor() -> dict[str, Verdict]:
    faults = ["grad_wrong_backward.py", "grad_wrong_jvp.py", "uint8_neg_lt.py"]
    names = ["sigmoid_gate.py", "bf16_round_trip.py", *(f"faults/{name}" for name in faults)]
    return judge(names, ["aot_eager", "inductor"], BOTH)


@pytest.fixture(scope="module")
def under_faulty_backends() -> dict[str, Verdict]:
    backends = ["aot_eager", "faulty_uint8_neg", "faulty_backward"]  # gradients use the last
    return judge(["sigmoid_gate.py", "bf16_round_trip.py", "faults/uint8_neg_lt.py"], backends, BOTH)


def test_correct_program_passes_values_and_gradients(under_inductor: dict[str, Verdict]) -> None:
    verdict = under_inductor["sigmoid_gate.py"]
    assert verdict.outcome is Outcome.PASS, verdict.explain()
    modes = {m.mode for m in verdict.modes}
    assert {"inductor", "grad:forward", "grad:forward-over-reverse", "grad:compiled"} <= modes
    assert "grads: pass: gradients agree" in verdict.summary


def test_wrong_custom_backward_is_caught_by_reverse_vs_numeric(under_inductor: dict[str, Verdict]) -> None:
    verdict = under_inductor["grad_wrong_backward.py"]
    assert (verdict.outcome, verdict.symptom) == (Outcome.BUG, Symptom.WRONG_GRADIENT), verdict.explain()
    assert (verdict.backend, verdict.blame) == ("reverse-vs-numeric", "autodiff")
    assert "reverse-vs-forward" in verdict.summary
    assert "values: pass" in verdict.summary  # the forward is right: only gradients show it


def test_wrong_custom_jvp_is_caught_by_forward_vs_numeric(under_inductor: dict[str, Verdict]) -> None:
    verdict = under_inductor["grad_wrong_jvp.py"]
    assert (verdict.outcome, verdict.backend) == (Outcome.BUG, "forward-vs-numeric"), verdict.explain()
    assert "values: pass" in verdict.summary


def test_skewed_compiled_backward_is_caught_by_compiled_reverse(
    under_faulty_backends: dict[str, Verdict],
) -> None:
    verdict = under_faulty_backends["sigmoid_gate.py"]
    assert (verdict.outcome, verdict.symptom) == (Outcome.BUG, Symptom.WRONG_GRADIENT), verdict.explain()
    assert (verdict.backend, verdict.blame) == ("compiled-reverse", "faulty_backward")
    assert verdict.leaf == "grad[input[0]]"
    assert verdict.rmse_compiled_vs_fp64 > 3 * verdict.rmse_eager_vs_fp64
    assert "values: pass" in verdict.summary  # its forward is correct


def test_an_elided_bf16_round_trip_is_dropped_for_gradients_too(under_inductor: dict[str, Verdict]) -> None:
    verdict = under_inductor["bf16_round_trip.py"]
    assert verdict.outcome is Outcome.DROPPED, verdict.explain()
    assert verdict.drop_rule == "precision_cast"
    assert "gone with emulate_precision_casts)" in verdict.summary.split("grads:")[1]


def test_a_skewed_compiled_backward_after_a_bf16_round_trip_is_still_caught(
    under_faulty_backends: dict[str, Verdict],
) -> None:
    verdict = under_faulty_backends["bf16_round_trip.py"]
    assert (verdict.outcome, verdict.symptom) == (Outcome.BUG, Symptom.WRONG_GRADIENT), verdict.explain()
    assert (verdict.backend, verdict.blame) == ("compiled-reverse", "faulty_backward")


def test_pytorch_93829_uint8_neg_is_a_wrong_value_and_inductor_is_quiet(
    under_inductor: dict[str, Verdict], under_faulty_backends: dict[str, Verdict]
) -> None:
    faulty = under_faulty_backends["uint8_neg_lt.py"]
    assert (faulty.outcome, faulty.symptom, faulty.backend) == (
        Outcome.BUG,
        Symptom.WRONG_VALUE,
        "faulty_uint8_neg",
    ), faulty.explain()
    assert "bool elements differ" in faulty.summary
    fixed = under_inductor["uint8_neg_lt.py"]
    assert fixed.outcome is Outcome.PASS, fixed.explain()
    assert "no differentiable inputs" in fixed.summary


def test_cli_rejects_an_unknown_oracle_in_one_line() -> None:
    result = run_cli("run", "tests/programs/sigmoid_gate.py", "--oracle", "values,gradz", timeout=120)
    assert result.returncode == 2
    expected = "fuzzfox: error: unknown oracle 'gradz' for --oracle (known: values, grads)"
    assert result.stderr.strip() == expected


def torch_functions(fn_source: str, inputs_source: str) -> object:
    """TorchGradients for a tiny in-process program (eager modes only: nothing here compiles)."""
    from oracles.phases import PhaseLog
    from oracles.torch_compiled import TorchProgram
    from oracles.torch_grads import TorchGradients

    namespace: dict = {}
    exec(f"import torch\n{fn_source}\ndef make_inputs():\n    return {inputs_source}\n", namespace)
    subject = TorchProgram(lambda: namespace["fn"], namespace["make_inputs"])
    return TorchGradients(subject, "inductor", 0, PhaseLog())


def test_a_float64_run_that_narrows_to_float32_is_precision_limited() -> None:
    from oracles.gradcheck import PrecisionLimited

    functions = torch_functions("def fn(x):\n    return torch.sigmoid(x.float())", "(torch.randn(3),)")
    x = functions.initial_point()
    assert functions.reverse(x, fp64=False)[0].shape == (3,)  # its own dtype is fine
    with pytest.raises(PrecisionLimited, match="float64 -> float32"):
        functions.reverse(x, fp64=True)


def test_a_missing_double_backward_is_reported_as_not_implemented() -> None:
    from oracles.gradcheck import ModeNotImplemented

    functions = torch_functions(
        "def fn(x):\n    return torch.nn.functional.hardsigmoid(x)", "(torch.randn(3),)"
    )
    x = functions.initial_point()
    with pytest.raises(ModeNotImplemented, match="hardsigmoid_backward"):
        functions.reverse_over_reverse(x, [np.ones(3)], fp64=True)


def test_integer_outputs_are_skipped_and_complex_outputs_enter_by_parts() -> None:
    functions = torch_functions(
        "def fn(x, n):\n    return x.argmax(), torch.polar(x.abs() + 1, x), n * 2",
        "(torch.randn(4), torch.arange(3))",
    )
    assert functions.input_names == ["input[0]"]  # the integer input is a constant
    x = functions.initial_point()
    v = [np.random.default_rng(1).standard_normal(4)]
    reverse = float(functions.reverse(x, fp64=True)[0] @ v[0])
    assert reverse != 0.0
    assert functions.forward(x, v, fp64=True) == pytest.approx(reverse, rel=1e-12)
