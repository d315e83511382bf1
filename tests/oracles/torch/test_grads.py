"""The gradient oracle on real torch programs, through the real sandbox (fork-server pool).

Faults are real code: custom ``autograd.Function``s with a wrong backward or a wrong jvp
(tests/programs/faults/grad_wrong_*.py) and Dynamo backends in ``oracles.torch.faulty_backends`` that break
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
from tests.conftest import program, run_cli

BOTH = ["values", "grads"]
NON_DIFFERENTIABLE_INPUT = "torch_non_differentiable_input.py"


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
    harness = ["fp_rules/torch_scalar_input.py", "fp_rules/torch_zero_second_derivative.py"]
    names = ["sigmoid_gate.py", "bf16_round_trip.py", *(f"faults/{name}" for name in faults), *harness]
    return judge(names, ["aot_eager", "inductor"], BOTH)


@pytest.fixture(scope="module")
def under_faulty_backends() -> dict[str, Verdict]:
    backends = ["aot_eager", "faulty_uint8_neg", "faulty_backward"]  # gradients use the last
    return judge(["sigmoid_gate.py", "faults/uint8_neg_lt.py", NON_DIFFERENTIABLE_INPUT], backends, BOTH)


def test_correct_program_passes_values_and_gradients(under_inductor: dict[str, Verdict]) -> None:
    verdict = under_inductor["sigmoid_gate.py"]
    assert verdict.outcome is Outcome.PASS, verdict.explain()
    modes = {m.mode for m in verdict.modes}
    assert {"inductor", "grad:forward", "grad:forward-over-reverse", "grad:compiled"} <= modes
    assert "grads: pass: gradients agree" in verdict.summary


@pytest.mark.parametrize("name", ["torch_scalar_input.py", "torch_zero_second_derivative.py"])
def test_a_zero_dim_input_and_a_zero_tensor_gradient_are_no_harness_crash(
    under_inductor: dict[str, Verdict], name: str
) -> None:
    """Both were 'crash' bugs of our own harness in a campaign on unpatched torch."""
    verdict = under_inductor[name]
    assert verdict.outcome is Outcome.PASS, verdict.explain()


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


def test_an_input_an_op_does_not_differentiate_is_held_constant_and_the_rest_is_checked(
    under_faulty_backends: dict[str, Verdict],
) -> None:
    # fractional_max_pool2d refuses random samples that require grad: the program was "invalid"
    # for gradients.  Now the samples are a constant and the pooled input is differentiated: a
    # skewed compiled backward is caught, and the correct backward passes.
    skewed = under_faulty_backends[NON_DIFFERENTIABLE_INPUT]
    assert (skewed.outcome, skewed.backend, skewed.leaf) == (
        Outcome.BUG,
        "compiled-reverse",
        "grad[input[0]]",
    ), skewed.explain()
    correct = judge([NON_DIFFERENTIABLE_INPUT], ["aot_eager"], ["grads"])[NON_DIFFERENTIABLE_INPUT]
    assert correct.outcome is Outcome.PASS, correct.explain()
    assert "input[1] held constant" in correct.summary
    assert "central differences" in correct.summary and "compiled reverse" in correct.summary


def test_an_elided_bf16_round_trip_passes_against_a_float64_referee(
    under_inductor: dict[str, Verdict],
) -> None:
    """The float64 evaluations lift the round trip, so they are a referee: the compiled gradient
    without the round trip is closer to it than eager's, and every mode is checked."""
    verdict = under_inductor["bf16_round_trip.py"]
    assert verdict.outcome is Outcome.PASS, verdict.explain()
    assert "gradients agree (reverse, forward and central differences" in verdict.summary


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
    from oracles.torch.compiled import TorchProgram
    from oracles.torch.grads import TorchGradients

    namespace: dict = {}
    exec(f"import torch\n{fn_source}\ndef make_inputs():\n    return {inputs_source}\n", namespace)
    subject = TorchProgram(lambda: namespace["fn"], namespace["make_inputs"])
    return TorchGradients(subject, "inductor", 0, PhaseLog())


def test_a_float64_run_lifts_the_programs_casts_and_is_limited_only_where_it_cannot() -> None:
    from oracles.gradcheck import PrecisionLimited

    lifted = torch_functions("def fn(x):\n    return torch.sigmoid(x.half()).float()", "(torch.randn(3),)")
    plain = torch_functions("def fn(x):\n    return torch.sigmoid(x)", "(torch.randn(3),)")
    x = lifted.initial_point()
    exact = plain.reverse(x, fp64=True)[0]
    assert np.allclose(lifted.reverse(x, fp64=True)[0], exact, rtol=1e-12)  # no float16 rounding
    assert not np.allclose(lifted.reverse(x, fp64=False)[0], exact, rtol=1e-6)  # its own run rounds
    unliftable = torch_functions(  # a reinterpretation of bits keeps its width
        "def fn(x):\n    return torch.sigmoid(x).view(torch.float32)[..., ::2] * 1.0", "(torch.randn(4),)"
    )
    with pytest.raises(PrecisionLimited, match=r"view\.dtype: float64 -> float32"):
        unliftable.reverse(unliftable.initial_point(), fp64=True)


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


def test_an_output_autograd_does_not_differentiate_is_no_part_of_the_loss() -> None:
    # native_layer_norm also returns its mean and rstd, which autograd declares non-differentiable:
    # central differences that moved them disagreed with every autodiff mode (a false
    # wrong_gradient); the normalized output still enters L.
    functions = torch_functions(
        "def fn(x):\n    return torch.ops.aten.native_layer_norm.default(x, [5], None, None, 1e-5)",
        "(torch.randn(3, 5),)",
    )
    x = functions.initial_point()
    v = np.random.default_rng(2).standard_normal((3, 5))
    reverse = float(np.sum(functions.reverse(x, fp64=True)[0] * v))
    step = 1e-6
    ahead, behind = (functions.value([x[0] + sign * step * v], fp64=True) for sign in (1, -1))
    assert reverse != 0.0
    assert (ahead - behind) / (2 * step) == pytest.approx(reverse, rel=1e-6)


def test_a_program_that_stops_gradients_is_not_compared_with_central_differences() -> None:
    names = ["fp_rules/torch_detach_gate.py", "faults/grad_wrong_backward_detached.py"]
    verdicts = judge(names, ["aot_eager"], ["grads"])
    # x * sin(x).detach() and a torch.no_grad block: a reverse-vs-forward bug before (forward AD
    # ignores no_grad, and central differences move what autodiff holds).
    gate = verdicts["torch_detach_gate.py"]
    assert gate.outcome is Outcome.PASS, gate.explain()
    stops = "no central differences: the program stops gradients (torch.no_grad, Tensor.detach)"
    assert stops in gate.summary
    assert "no forward: forward-mode AD ignores torch.no_grad" in gate.summary
    modes = {m.mode for m in gate.modes}
    assert "grad:compiled" in modes and not {"grad:forward", "grad:numeric"} & modes
    # A wrong custom backward next to a detach: reverse against forward still catches it.
    wrong = verdicts["grad_wrong_backward_detached.py"]
    assert (wrong.outcome, wrong.backend) == (Outcome.BUG, "reverse-vs-forward"), wrong.explain()
    assert "(no central differences: the program stops gradients (Tensor.detach)" in wrong.summary


@pytest.mark.parametrize(
    ("fn_source", "numeric", "forward"),
    [
        ("def fn(x):\n    return x * x.detach().sin()", "Tensor.detach", None),
        ("def fn(x):\n    return x / x.abs().max().item()", "Tensor.item", None),
        (
            "def fn(x):\n    with torch.no_grad():\n        s = x.cos()\n    return x * s",
            "torch.no_grad",
            "no_grad",
        ),
        (
            "import torch.ao.quantization.fx._decomposed\n"
            "qd = torch.ops.quantized_decomposed\n"
            "def fn(x):\n"
            "    q = qd.quantize_per_tensor.default(x, 0.05, 64, 0, 255, torch.uint8)\n"
            "    return qd.dequantize_per_tensor.default(q, 0.05, 64, 0, 255, torch.uint8) * x",
            "quantize_per_tensor (rounds to integers)",
            None,
        ),
        (
            "import torch.ao.quantization.fx._decomposed\n"
            "qd = torch.ops.quantized_decomposed\n"
            "def fn(x):\n"
            "    q = torch.arange(3, dtype=torch.uint8)\n"
            "    scale = x.abs().sum() + 1\n"
            "    return qd.dequantize_per_tensor.tensor(q, scale, torch.tensor(0), 0, 255, torch.uint8) * x",
            "dequantize_per_tensor (not differentiated by autograd)",
            None,
        ),
        # A module built in the forward initializes its parameters under no_grad: no stop.
        ("def fn(x):\n    return torch.nn.Linear(3, 3)(x).sin()", None, None),
        # A custom Function's forward runs with grad off (torch's doing): its backward is the rule.
        (
            "class Twice(torch.autograd.Function):\n"
            "    @staticmethod\n    def forward(ctx, x):\n        return x.detach() * 2\n"
            "    @staticmethod\n    def backward(ctx, g):\n        return g * 2\n"
            "def fn(x):\n    return Twice.apply(x).sin()",
            None,
            None,
        ),
    ],
)
def test_gradient_stops_are_found_where_the_program_makes_them(
    fn_source: str, numeric: str | None, forward: str | None
) -> None:
    functions = torch_functions(fn_source, "(torch.randn(3),)")
    assert (numeric is None) == (functions.skip_numeric is None), functions.skip_numeric
    assert numeric is None or numeric in functions.skip_numeric
    assert (forward is None) == (functions.skip_forward is None), functions.skip_forward


def test_an_input_on_a_clamp_bound_at_a_tie_of_amin_is_a_kink_not_a_bug() -> None:
    # Found by a 30-minute campaign: bf16 inputs hold -0.5 exactly, and amin(x.clamp(-0.5)) gives
    # the element on the bound a share of the tie (autodiff's convention) while L is flat there.
    from oracles.gradcheck import GradOptions, check_gradients
    from oracles.phases import PhaseLog

    functions = torch_functions(
        "def fn(x):\n    return torch.amin(x.clamp(-0.5))", "(torch.tensor([-0.5, -0.7, 0.3, 1.0]),)"
    )
    functions.compiler = "aot_eager"
    options = GradOptions(second_order=False)
    verdict = check_gradients(functions, functions.initial_point(), options, PhaseLog())
    assert verdict.outcome is Outcome.DROPPED and verdict.drop_rule == "grad_nondifferentiable"
    assert "on a kink: reverse" in verdict.summary
    # Off the bound the same rule is judged, and agrees.
    off = torch_functions(
        "def fn(x):\n    return torch.amin(x.clamp(-0.5))", "(torch.tensor([-0.4, -0.7, 0.3, 1.0]),)"
    )
    off.compiler = "aot_eager"
    assert check_gradients(off, off.initial_point(), options, PhaseLog()).outcome is Outcome.PASS


def test_a_compiled_gradient_within_rounding_of_an_ill_conditioned_program_is_dropped() -> None:
    # Found by two 30-minute campaigns: a softmax saturated by a scale of 1000, rewritten by
    # Inductor's fuse_attention into SDPA (which scales q and k before the matmul): eager rmse 6e-7
    # and compiled 8e-5 against fp64, both float32 roundings; the referee under rounding noise
    # moves by 6e-5.  The faulty_backward test above is the other side: a 1e-3 skew stays a bug.
    # A batch norm over rows equal in exact arithmetic has no significant digit at all.
    names = ["fp_rules/torch_saturated_attention.py", "fp_rules/torch_batch_norm_of_equal_rows.py"]
    for name, verdict in judge(names, ["inductor"], ["grads"]).items():
        assert (verdict.outcome, verdict.drop_rule) == (Outcome.DROPPED, "ill_conditioned"), (
            name,
            verdict.explain(),
        )
