"""The jax-xla target through the real sandbox: values and gradient oracles, injected faults.

Every fault here is real JAX code broken on purpose in the sandboxed child (``oracles.jax.faulty_backends``):
a lowering of ``sin`` that is off by 1e-3 in compiled code only, JAX issue #10993's transpose of
``select_n`` re-created, and negated ``sin`` rules.  Each is shown caught, and the same programs
are shown passing when nothing is broken.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fuzzfox.program import Program, load_program, parse_program
from fuzzfox.sandbox.isolation import Limits
from fuzzfox.sandbox.pool import PoolConfig, WorkerStartError, run_programs
from oracles import instability
from oracles.verdict import Outcome, Stage, Symptom, Verdict
from tests.conftest import PROGRAMS as PROGRAM_FILES
from tests.conftest import ROOT, run_cli

HEADER = "# target: jax-xla\nimport numpy as np\nimport jax\nimport jax.numpy as jnp\nfrom jax import lax\n\n"
PROGRAMS = {
    # JAX #10993: reverse mode through select_n with a uint32 predicate; the first two
    # elements take case 0 (x * 3), the last two case 1 (y * y).
    "select_uint32.py": """
        def fn(x, y):
            which = (x > 0.0).astype(jnp.uint32)
            return lax.select_n(which, x * 3.0, y * y)

        def make_inputs():
            return (np.array([-1.5, -0.4, 0.7, 1.2], np.float32), np.array([0.5, -1.0, 2.0, 0.3], np.float32))
    """,
    "sin_chain.py": """
        def fn(x):
            return jnp.sin(x) * 2.0 + x * x

        def make_inputs():
            return (np.linspace(-2.0, 2.0, 6).astype(np.float32),)
    """,
    # float64 inputs still pass through bfloat16: finite differences are no fair reference.
    "bfloat16_round_trip.py": """
        def fn(x):
            return jnp.tanh(x).astype(jnp.bfloat16).astype(jnp.float32) * 3.0

        def make_inputs():
            return (np.linspace(-1.0, 1.0, 5).astype(np.float32),)
    """,
    # relu at exactly zero: autodiff says 0, the central difference says 1/2.
    "relu_at_zero.py": """
        def fn(x):
            return jax.nn.relu(x) * 2.0

        def make_inputs():
            return (np.array([0.0, 0.0, 1.0, -1.0], np.float32),)
    """,
    # Scales its input only when traced: what a trace-path bug (a traced shift or index taking
    # a wrong branch) looks like, with the same values op by op.
    "trace_path_bug.py": """
        def fn(x):
            return x * (3.0 if isinstance(x, jax.core.Tracer) else 1.0)

        def make_inputs():
            return (np.linspace(-1.0, 1.0, 6).astype(np.float64),)
    """,
    # Python control flow on a value: runs op by op, cannot be jitted.
    "python_if.py": """
        def fn(x):
            if x.sum() > 0:
                return x * 2.0
            return x

        def make_inputs():
            return (np.ones(3, np.float32),)
    """,
    # A straight-through product: autodiff holds stop_gradient(exp(x)) constant, and so does the
    # numeric derivative (the float64 evaluations freeze it); logsumexp's own stop_gradient stays.
    "stop_gradient_gate.py": """
        def fn(x):
            return jnp.sin(x) * lax.stop_gradient(jnp.exp(x)) + jax.nn.logsumexp(x)

        def make_inputs():
            return (np.linspace(-2.0, 2.0, 6).astype(np.float32),)
    """,
    # sign(x) * (|x| + 1): sign(0) matters only at exact zeros, which a linspace of 6 never hits.
    "sign_magnitude.py": """
        def fn(x):
            return jnp.sign(x) * (jnp.abs(x) + 1.0)

        def make_inputs():
            return (np.linspace(-2.0, 2.0, 6).astype(np.float32),)
    """,
    # jnp.std of what a where makes constant: var is 0, so sqrt's derivative is infinite there;
    # forward mode carries the zero tangent into it (0 x inf = NaN), reverse mode's select
    # transpose drops the NaN cotangent (0); L is flat, its derivative 0. Seen in every 10-minute
    # jax fault campaign as a wrong gradient on unpatched jax.
    "std_of_a_constant.py": """
        def fn(x):
            return jnp.std(jnp.where(x > 2.0, x, 0.0)) + jnp.sin(x) * 0.5

        def make_inputs():
            return (np.array([0.3], np.float64),)
    """,
    # sin at exact zeros, nothing singular on the way: a rule's own 0/0 there is a bug.
    "sin_at_zeros.py": """
        def fn(x):
            return jnp.sin(x) * 2.0 + x * x

        def make_inputs():
            return (np.array([0.0, -1.2, 0.0, 0.7], np.float64),)
    """,
    # A Python float output: jit returns a float64 array for it, which must not be a dtype bug.
    "python_scalar_output.py": """
        def fn(x):
            return x.sum(), 2.5

        def make_inputs():
            return (np.ones(3, np.float32),)
    """,
}


def jax_program(name: str) -> Program:
    return parse_program(HEADER + textwrap.dedent(PROGRAMS[name]), path=name)


def judge(names: list[str], **settings: object) -> dict[str, Verdict]:
    """Verdicts by name; a name with a slash is a file under tests/programs."""
    programs = [load_program(PROGRAM_FILES / n) if "/" in n else jax_program(n) for n in names]
    config = PoolConfig("jax-xla", dict(settings), jobs=1, limits=Limits(timeout_s=120))
    return {p.name: v for p, v in run_programs(config, programs)}


def test_correct_programs_pass_both_oracles_and_the_filters_drop_what_they_should() -> None:
    names = ["select_uint32.py", "sin_chain.py", "bfloat16_round_trip.py", "relu_at_zero.py", "python_if.py"]
    verdicts = judge([*names, "stop_gradient_gate.py"], oracles=["values", "grads"])
    for name in ("select_uint32.py", "sin_chain.py", "stop_gradient_gate.py"):
        assert verdicts[name].outcome is Outcome.PASS, verdicts[name].explain()
        assert "gradients agree" in verdicts[name].summary
    assert "lax.select_n.transpose" in verdicts["select_uint32.py"].triggers
    assert {"lax.sin.jvp", "lax.sin.linearize"} <= set(verdicts["sin_chain.py"].triggers)

    precision = verdicts["bfloat16_round_trip.py"]
    assert precision.outcome is Outcome.DROPPED, precision.explain()
    assert precision.drop_rule == instability.GRAD_PRECISION
    assert "float64->bfloat16" in precision.summary
    kink = verdicts["relu_at_zero.py"]
    assert kink.outcome is Outcome.DROPPED, kink.explain()
    assert kink.drop_rule == instability.GRAD_NONDIFFERENTIABLE
    untraceable = verdicts["python_if.py"]
    assert untraceable.outcome is Outcome.INVALID, untraceable.explain()
    assert "cannot be traced by jax.jit" in untraceable.summary


def test_issue_10993_and_a_negated_sin_jvp_are_wrong_gradients_named_by_the_right_comparison() -> None:
    verdicts = judge(
        ["select_uint32.py", "sin_chain.py"],
        oracles=["grads"],
        jax_faults=["select_n_transpose_10993", "sin_jvp_negated"],
    )
    select = verdicts["select_uint32.py"]
    assert select.outcome is Outcome.BUG and select.symptom is Symptom.WRONG_GRADIENT, select.explain()
    # Reverse mode lost the gradient; forward mode and the central difference agree.
    assert select.backend == "reverse-vs-numeric"
    assert "also failed: reverse-vs-forward" in select.summary
    assert select.blame == "autodiff"
    sine = verdicts["sin_chain.py"]
    assert sine.outcome is Outcome.BUG and sine.symptom is Symptom.WRONG_GRADIENT, sine.explain()
    assert sine.backend == "forward-vs-numeric"  # reverse mode uses sin's own linearization rule
    assert "also failed: reverse-vs-forward" in sine.summary


def test_one_mode_nan_through_a_singular_intermediate_is_dropped_and_a_rules_own_nan_is_a_bug() -> None:
    minimized, flat = "fp_rules/jax_std_of_where_constant.py", "std_of_a_constant.py"
    verdicts = judge([minimized, flat, "sin_at_zeros.py"], oracles=["grads"])
    for name in (minimized, flat):
        verdict = verdicts[Path(name).name]
        assert verdict.outcome is Outcome.DROPPED, verdict.explain()
        assert verdict.drop_rule == instability.GRAD_SINGULAR_INTERMEDIATE
        assert "forward nan" in verdict.summary and "sqrt at <= 0" in verdict.summary
    assert verdicts["sin_at_zeros.py"].outcome is Outcome.PASS, verdicts["sin_at_zeros.py"].explain()

    # sin's JVP with a 0/0 at exact zeros (reverse mode keeps sin's linearization): nothing the
    # program computes is singular, so forward NaN against reverse's number stays a bug.
    injected = judge(["sin_at_zeros.py"], oracles=["grads"], jax_faults=["sin_jvp_nan_at_zero"])
    faulty = injected["sin_at_zeros.py"]
    assert faulty.outcome is Outcome.BUG and faulty.symptom is Symptom.WRONG_GRADIENT, faulty.explain()
    assert "forward nan" in faulty.summary


def test_a_rule_wrong_in_both_modes_is_caught_only_by_the_central_difference() -> None:
    names = ["sin_chain.py", "stop_gradient_gate.py"]
    verdicts = judge(names, oracles=["grads"], jax_faults=["sin_rules_negated"])
    for name in names:  # next to a held stop_gradient too
        verdict = verdicts[name]
        assert verdict.outcome is Outcome.BUG and verdict.symptom is Symptom.WRONG_GRADIENT, verdict.explain()
        assert verdict.backend == "reverse-vs-numeric"
        assert "also failed: forward-vs-numeric" in verdict.summary
        assert "reverse-vs-forward" not in verdict.summary  # the two modes agree with each other


def test_a_wrong_compiled_value_is_blamed_on_its_backend_and_xla_passes() -> None:
    verdicts = judge(["sin_chain.py", "python_scalar_output.py"], backends=["xla", "faulty_sin_xla"])
    verdict = verdicts["sin_chain.py"]
    assert verdict.outcome is Outcome.BUG and verdict.symptom is Symptom.WRONG_VALUE, verdict.explain()
    assert verdict.backend == "faulty_sin_xla"
    assert verdict.rmse_compiled_vs_fp64 > 10 * verdict.rmse_eager_vs_fp64
    assert [m.mode for m in verdict.modes if m.ok][-2:] == ["xla", "faulty_sin_xla"]
    scalar = verdicts["python_scalar_output.py"]
    assert scalar.outcome is Outcome.PASS, scalar.explain()


def test_a_float64_program_at_the_edge_of_overflow_is_ill_conditioned_and_a_wrong_sin_still_a_bug() -> None:
    edge, sine = "fp_rules/jax_cholesky_near_overflow.py", "sin_chain.py"
    verdicts = judge([edge, sine], backends=["xla", "faulty_sin_xla"])
    dropped = verdicts["jax_cholesky_near_overflow.py"]
    assert dropped.outcome is Outcome.DROPPED and dropped.drop_rule == instability.ILL_CONDITIONED, (
        dropped.explain()
    )
    assert "within rounding" in dropped.summary
    wrong = verdicts[sine]  # off by 1e-3 under a rounding spread of about 1e-7: kept
    assert wrong.outcome is Outcome.BUG and wrong.backend == "faulty_sin_xla", wrong.explain()
    # The rounding interpreter follows jit's trace: a bug on that path (here a stand-in that
    # scales traced values only, like a faulty traced roll shift) is not explained away by it.
    traced = judge(["trace_path_bug.py"])["trace_path_bug.py"]
    assert traced.outcome is Outcome.BUG and traced.symptom is Symptom.WRONG_VALUE, traced.explain()


def test_a_type_check_failing_in_jits_trace_is_an_invalid_program_and_in_lowering_a_crash() -> None:
    fori, while_grad, lowering = (
        "fp_rules/jax_fori_carry_widens.py",
        "fp_rules/jax_while_loop_grad.py",
        "faults/jax_lowering_type_error.py",
    )
    verdicts = judge([fori, while_grad, lowering], oracles=["values", "grads"])
    # A fori_loop carry widened by its body: op by op nothing checks it, jit's trace raises (a
    # values crash bug before).
    carry = verdicts["jax_fori_carry_widens.py"]
    assert carry.outcome is Outcome.INVALID, carry.explain()
    assert "not valid JAX: jax.jit's trace rejects it (TypeError: scan body function carry" in carry.summary
    # Reverse mode through a while_loop: differentiable op by op, rejected by jit(grad)'s trace.
    loop = verdicts["jax_while_loop_grad.py"]
    assert loop.outcome is Outcome.INVALID, loop.explain()
    assert loop.summary.startswith("grads: the program is not valid JAX") and "values: pass" in loop.summary
    # The same words from a lowering rule (an injected compiler fault) stay a crash at compilation.
    crash = verdicts["jax_lowering_type_error.py"]
    assert (crash.outcome, crash.symptom, crash.stage) == (Outcome.BUG, Symptom.CRASH, Stage.COMPILATION)
    assert crash.backend == "xla" and "must have identical types" in crash.summary
    assert "| grads: bug: compiled-reverse: the compiled gradient raises" in crash.summary
    assert [m.stage for m in crash.modes if m.mode == "grad:compiled"] == [Stage.COMPILATION]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"backends": ["inductor"]}, "unknown JAX backend 'inductor'"),
        ({"jax_faults": ["nope"]}, "unknown JAX fault 'nope'"),
        ({"inductor_config": {"max_autotune": True}}, "inductor_config does not apply to target jax-xla"),
        ({"oracles": ["coverage"]}, "unknown oracle 'coverage'"),
    ],
)
def test_bad_settings_stop_the_worker_with_the_reason(settings: dict, message: str) -> None:
    config = PoolConfig("jax-xla", settings, jobs=1, limits=Limits(timeout_s=30))
    with pytest.raises(WorkerStartError, match=message):
        list(run_programs(config, [jax_program("sin_chain.py")]))


def test_cli_runs_a_jax_program_with_its_own_default_backend(tmp_path) -> None:
    path = tmp_path / "sin_chain.py"
    path.write_text(jax_program("sin_chain.py").source)
    result = run_cli(
        "run", str(path), "--oracle", "values,grads", "--jobs", "1", "--campaign", str(tmp_path / "c")
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1 programs: 1 pass, 0 bug" in result.stdout


@pytest.mark.slow
def test_the_seed_corpus_has_no_bug_candidates_under_values_and_grads(tmp_path) -> None:
    corpus = ROOT / "corpus" / "jax-xla"
    result = run_cli(
        "run", str(corpus), "--oracle", "values,grads", "--jobs", "2", "--campaign", str(tmp_path)
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    count = len(list(corpus.glob("*.py")))
    assert count >= 25
    assert f"{count} programs: {count} pass, 0 bug" in result.stdout


def test_a_fault_at_exact_zeros_is_caught_only_by_the_zeros_input_draw() -> None:
    faulty = {"backends": ["xla", "faulty_sign_zero_xla"]}
    recorded_only = judge(["sign_magnitude.py"], input_draws=0, **faulty)["sign_magnitude.py"]
    assert recorded_only.outcome is Outcome.PASS, recorded_only.explain()
    caught = judge(["sign_magnitude.py"], **faulty)["sign_magnitude.py"]  # all draws by default
    assert (caught.outcome, caught.symptom, caught.draw) == (Outcome.BUG, Symptom.WRONG_VALUE, "zeros")
    assert caught.backend == "faulty_sign_zero_xla"
    correct = judge(["sign_magnitude.py"])["sign_magnitude.py"]
    assert correct.outcome is Outcome.PASS, correct.explain()
