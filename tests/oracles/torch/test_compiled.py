"""The torch oracle on real compiles, in this process (``oracles`` is usable on its own).

Each fault is shown on both sides: caught when injected, silent on the same program without it.
Crashing backends are tested through the sandbox instead (tests/sandbox/test_sandbox.py).
"""

from __future__ import annotations

import pytest

from tests.conftest import program

INJECTED = {
    "compile_error": ("crash", "compilation"),
    "runtime_error": ("crash", "execution"),
    "accuracy": ("wrong_value", "verification"),
}


@pytest.fixture(scope="module")
def oracle():
    import torch
    import torch._functorch.config as functorch_config
    import torch._inductor.config as inductor_config

    from oracles.torch import compiled as torch_compiled

    with (
        inductor_config.patch(fx_graph_cache=False, fallback_random=True),
        functorch_config.patch(enable_autograd_cache=False),
    ):
        yield torch_compiled
    torch._dynamo.reset()


def judge(oracle, name: str, backends=("aot_eager", "inductor"), config=None, draws=()):
    namespace: dict = {}
    source = program(name).source
    exec(compile(source, name, "exec"), namespace)
    build = namespace.get("Model") or (lambda: namespace["fn"])
    subject = oracle.TorchProgram(build, namespace["make_inputs"], config=config or {})
    return oracle.check(subject, oracle.TorchOracleOptions(backends=tuple(backends), draws=tuple(draws)))


def test_correct_compile_passes(oracle) -> None:
    verdict = judge(oracle, "relu_linear.py")
    assert verdict.outcome.value == "pass", verdict.explain()
    assert [m.mode for m in verdict.modes] == [
        "eager",
        "eager-rerun",
        "eager-rerun",
        "eager-fp64",
        "aot_eager",
        "inductor",
    ]


@pytest.mark.parametrize("mode", sorted(INJECTED))
def test_inductor_relu_fault_injection_is_caught_and_blamed_on_inductor(oracle, mode: str) -> None:
    verdict = judge(oracle, "relu_linear.py", config={"cpp.inject_relu_bug_TESTING_ONLY": mode})
    symptom, stage = INJECTED[mode]
    assert verdict.outcome.value == "bug", verdict.explain()
    assert (verdict.symptom.value, verdict.stage.value) == (symptom, stage)
    assert (verdict.backend, verdict.blame) == ("inductor", "inductor")
    aot_eager = next(m for m in verdict.modes if m.mode == "aot_eager")
    assert aot_eager.ok, "aot_eager must not be blamed for an Inductor codegen fault"


def test_relu_injection_is_silent_on_a_program_without_relu(oracle) -> None:
    verdict = judge(oracle, "cat_no_relu.py", config={"cpp.inject_relu_bug_TESTING_ONLY": "accuracy"})
    assert verdict.outcome.value == "pass", verdict.explain()


def test_faulty_sigmoid_backend_caught_and_correct_backend_silent(oracle) -> None:
    faulty = judge(oracle, "sigmoid_gate.py", backends=("aot_eager", "faulty_sigmoid"))
    assert (faulty.outcome.value, faulty.symptom.value, faulty.blame) == (
        "bug",
        "wrong_value",
        "faulty_sigmoid",
    )
    assert faulty.rmse_compiled_vs_fp64 > 100 * faulty.rmse_eager_vs_fp64
    assert judge(oracle, "sigmoid_gate.py").outcome.value == "pass"
    assert judge(oracle, "relu_linear.py", backends=("faulty_sigmoid",)).outcome.value == "pass"


def test_elided_fp16_round_trip_passes_against_a_referee_that_does_not_round(oracle) -> None:
    """The float64 referee keeps float64 where the program casts to float16, so eliding the round
    trip brings compiled closer to the truth than eager: no bug, and no drop rule needed."""
    verdict = judge(oracle, "half_round_trip.py")
    assert verdict.outcome.value == "pass", verdict.explain()
    assert next(m for m in verdict.modes if m.mode == "eager-fp64").ok


def test_elided_fp16_round_trip_without_a_referee_is_dropped_with_its_rule(oracle) -> None:
    verdict = judge(oracle, "half_round_trip_bit_trick.py")  # its bit trick cannot run in float64
    assert not next(m for m in verdict.modes if m.mode == "eager-fp64").ok
    assert verdict.outcome.value == "dropped", verdict.explain()
    assert verdict.drop_rule == "precision_cast"
    assert "float32->float16" in verdict.summary


def test_the_referee_computes_in_float64_where_the_program_casts_down(oracle) -> None:
    """A float16 conv whose weights the referee made float64: without lifting the program's own
    cast to float16 the float64 run mixes dtypes and fails; lifted, it is a referee again."""
    verdict = judge(oracle, "half_conv_gelu.py")
    assert verdict.outcome.value == "pass", verdict.explain()
    assert next(m for m in verdict.modes if m.mode == "eager-fp64").ok
    faulty = judge(oracle, "half_conv_gelu.py", config={"cpp.inject_relu_bug_TESTING_ONLY": "accuracy"})
    assert (faulty.outcome.value, faulty.symptom.value) == ("bug", "wrong_value"), faulty.explain()


def test_eager_failure_is_invalid(oracle) -> None:
    verdict = judge(oracle, "eager_raises.py")
    assert verdict.outcome.value == "invalid"
    assert verdict.exception is not None and "mat1 and mat2" in verdict.exception.message


def test_an_output_eager_does_not_reproduce_leaves_the_others_judged(oracle) -> None:
    name = "unreproducible_output_beside_sigmoid.py"
    faulty = judge(oracle, name, backends=("aot_eager", "faulty_sigmoid"))
    assert (faulty.outcome.value, faulty.symptom.value, faulty.leaf) == ("bug", "wrong_value", "out[1]")
    assert faulty.backend == "faulty_sigmoid" and "outputs eager reproduces" in faulty.summary
    correct = judge(oracle, name, backends=("aot_eager",))
    assert correct.outcome.value in ("pass", "dropped"), correct.explain()


def test_a_fault_at_exact_zeros_is_caught_only_by_the_zeros_input_draw(oracle) -> None:
    from oracles.boundary import DRAWS

    faulty = ("aot_eager", "faulty_sign_zero")
    recorded_only = judge(oracle, "sign_magnitude.py", backends=faulty)
    assert recorded_only.outcome.value == "pass", recorded_only.explain()  # randn has no exact zero
    caught = judge(oracle, "sign_magnitude.py", backends=faulty, draws=DRAWS)
    assert (caught.outcome.value, caught.symptom.value, caught.draw) == ("bug", "wrong_value", "zeros")
    assert caught.backend == "faulty_sign_zero" and "'zeros' input draw" in caught.summary
    correct = judge(oracle, "sign_magnitude.py", draws=DRAWS)
    assert correct.outcome.value == "pass", correct.explain()


def test_a_float32_result_cast_up_to_float64_is_judged_as_float32(oracle) -> None:
    # Inductor is 4 ulps of float32 off eager on the 'ties' draw (rows of near-constant values):
    # float32 noise that float64 tolerances called a bug in a campaign.
    from oracles.boundary import DRAWS

    verdict = judge(oracle, "layer_norm_then_double.py", draws=DRAWS)
    assert verdict.outcome.value == "pass", verdict.explain()


def test_a_compiled_value_within_rounding_of_an_ill_conditioned_program_is_dropped(oracle) -> None:
    # The compiled errors are given as numbers (a backend off by a chosen rmse cannot be made for
    # real); the fp64 referee, its reruns under rounding noise and the leaf lookup are real.
    from oracles.verdict import Outcome, Symptom, Verdict

    namespace: dict = {}
    exec(compile(program("fp_rules/torch_cancellation.py").source, "cancellation", "exec"), namespace)
    subject = oracle.TorchProgram(lambda: namespace["fn"], namespace["make_inputs"])
    eager = oracle._run_eager(subject, 0, fp64=False)
    fp64 = oracle._run_eager(subject, 0, fp64=True)

    def recheck(rmse: float) -> Verdict:
        found = Verdict(Outcome.BUG, "differs", Symptom.WRONG_VALUE, leaf="out", rmse_compiled_vs_fp64=rmse)
        return oracle._recheck_rounding(subject, 0, eager, fp64, found, (), None)

    within = recheck(1e-3)  # rows of 64 are exact in float64; rounding moves them by ~4e-3
    assert (within.outcome, within.drop_rule) == (Outcome.DROPPED, "ill_conditioned"), within.summary
    assert recheck(0.5).outcome is Outcome.BUG  # a miscompile's size stays a bug


def test_the_referee_of_a_quantized_program_runs_in_float64(oracle) -> None:
    """PT2E's quantize ops take float32 at most and its dequantize ops yield float32: without
    lifting them the float64 run of a quantized program fails (and its integers have no referee)."""
    namespace: dict = {}
    exec(compile(program("fp_rules/torch_bf16_quantized_conv.py").source, "qconv", "exec"), namespace)
    subject = oracle.TorchProgram(namespace["Model"], namespace["make_inputs"])
    fp64 = oracle._run_eager(subject, 0, fp64=True)
    assert fp64.mode.ok, fp64.mode.exception
    eager = oracle._run_eager(subject, 0, fp64=False)
    out = next(leaf for leaf in fp64.leaves if leaf.path == "out")
    assert out.dtype == "uint8"
    eager_out = next(leaf for leaf in eager.leaves if leaf.path == "out")
    assert 0 < (out.values != eager_out.values).sum() < out.values.size // 4  # the bf16 roundings


@pytest.mark.slow  # a second proof: test_compare's unit test of the rule, both sides
def test_uint8_outputs_of_a_bf16_quantized_conv_a_rounding_apart_are_dropped() -> None:
    from tests.conftest import judge_in_sandbox

    subject = program("fp_rules/torch_bf16_quantized_conv.py")
    verdict = judge_in_sandbox([subject], timeout_s=180.0)[subject.name]
    outcome = (verdict.outcome.value, verdict.drop_rule)
    assert outcome == ("dropped", "low_precision_integers"), verdict.explain()
