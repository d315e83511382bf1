"""The gradient core on tiny numpy programs whose derivatives are written by hand.

Each ``Elementwise`` below is a real function ``L(x) = sum(w * f(x))`` with real derivative
code; the faulty ones have one deliberately wrong derivative (not a mock: the core calls them
exactly as it calls a framework).  Every fault is shown caught, and the correct function quiet.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

from oracles import instability
from oracles.gradcheck import GradOptions, ModeNotImplemented, PrecisionLimited, check_gradients
from oracles.verdict import Outcome, Symptom, Verdict, combine

Elementwise1 = Callable[[np.ndarray], np.ndarray]


def sin_square(x: np.ndarray) -> np.ndarray:
    return np.sin(x) * x**2


def sin_square_1(x: np.ndarray) -> np.ndarray:
    return np.cos(x) * x**2 + 2 * x * np.sin(x)


def sin_square_2(x: np.ndarray) -> np.ndarray:
    return -np.sin(x) * x**2 + 4 * x * np.cos(x) + 2 * np.sin(x)


@dataclasses.dataclass
class Elementwise:
    """``L(x) = sum_k sum(w_k * f(x_k))`` with hand-written derivative code for every mode.

    ``fp64=False`` runs in float32 (the "program dtype"); a mode's derivative can be replaced to
    make it wrong.  ``compiled`` stands for a compiler's gradient (float32, its own code).
    """

    f: Elementwise1 = sin_square
    reverse_derivative: Elementwise1 = sin_square_1
    forward_derivative: Elementwise1 = sin_square_1
    second_derivative: Elementwise1 = sin_square_2
    compiled_derivative: Elementwise1 = sin_square_1
    forward_error: type[Exception] | None = None
    casts_to_half: bool = False
    input_names: list[str] = dataclasses.field(default_factory=lambda: ["input[0]", "input[1]"])
    input_dtypes: list[str] = dataclasses.field(default_factory=lambda: ["float32", "float32"])
    compiler: str = "numpy-compiler"
    skip_numeric: str | None = None  # a gradient stop the central difference cannot see
    skip_forward: str | None = None
    singular: list[str] = dataclasses.field(default_factory=list)  # what singular_intermediates says
    contracts: list[str] = dataclasses.field(default_factory=list)  # what broken_contracts says

    weights: list[np.ndarray] = dataclasses.field(
        default_factory=lambda: [np.array([0.8, -1.1, 0.6]), np.array([[1.3, -0.4], [0.7, -0.9]])]
    )

    def singular_intermediates(self, x: list[np.ndarray]) -> list[str]:
        return self.singular

    def broken_contracts(self, x: list[np.ndarray]) -> list[str]:
        return self.contracts

    def _cast(self, x: list[np.ndarray], fp64: bool) -> list[np.ndarray]:
        if fp64 and self.casts_to_half:
            raise PrecisionLimited("the program casts float64 to float16")
        dtype = np.float64 if fp64 else np.float32
        return [a.astype(dtype) for a in x]

    def value(self, x: list[np.ndarray], *, fp64: bool) -> float:
        x = self._cast(x, fp64)
        return float(sum(np.sum(w * self.f(a)) for w, a in zip(self.weights, x, strict=True)))

    def _gradient(self, derivative: Elementwise1, x: list[np.ndarray], fp64: bool) -> list[np.ndarray]:
        x = self._cast(x, fp64)
        return [(w * derivative(a)).astype(np.float64) for w, a in zip(self.weights, x, strict=True)]

    def reverse(self, x: list[np.ndarray], *, fp64: bool) -> list[np.ndarray]:
        return self._gradient(self.reverse_derivative, x, fp64)

    def forward(self, x: list[np.ndarray], v: list[np.ndarray], *, fp64: bool) -> float:
        if self.forward_error is not None:
            raise self.forward_error("forward mode is not implemented for sin_square")
        gradient = self._gradient(self.forward_derivative, x, fp64)
        return float(sum(np.sum(g * d) for g, d in zip(gradient, v, strict=True)))

    def reverse_over_reverse(
        self, x: list[np.ndarray], u: list[np.ndarray], *, fp64: bool
    ) -> list[np.ndarray]:
        hessian_diagonal = self._gradient(self.second_derivative, x, fp64)
        return [h * d for h, d in zip(hessian_diagonal, u, strict=True)]

    def forward_over_reverse(
        self, x: list[np.ndarray], u: list[np.ndarray], v: list[np.ndarray], *, fp64: bool
    ) -> float:
        hessian_diagonal = self._gradient(self.second_derivative, x, fp64)
        return float(sum(np.sum(h * a * b) for h, a, b in zip(hessian_diagonal, u, v, strict=True)))

    def compiled_reverse(self, x: list[np.ndarray]) -> list[np.ndarray]:
        return self._gradient(self.compiled_derivative, x, fp64=False)


POINT = [np.array([0.3, -1.2, 2.0]), np.array([[0.5, 1.5], [-0.7, 0.9]])]


def judge(functions: Elementwise, point: list[np.ndarray] = POINT, **options: object) -> Verdict:
    return check_gradients(functions, point, GradOptions(**options))  # type: ignore[arg-type]


def test_correct_derivatives_pass() -> None:
    verdict = judge(Elementwise())
    assert verdict.outcome is Outcome.PASS, verdict.explain()
    assert {m.mode for m in verdict.modes} >= {
        "grad:reverse",
        "grad:forward",
        "grad:numeric",
        "grad:compiled",
    }


def test_wrong_reverse_is_caught_by_forward_and_by_numbers() -> None:
    verdict = judge(Elementwise(reverse_derivative=lambda x: np.cos(x) * x**2))  # product rule half-done
    assert (verdict.outcome, verdict.symptom) == (Outcome.BUG, Symptom.WRONG_GRADIENT), verdict.explain()
    assert (verdict.backend, verdict.blame) == ("reverse-vs-numeric", "autodiff")
    assert "reverse-vs-forward" in verdict.summary
    assert "forward agrees with the central difference" in verdict.summary


BROKEN_LABELS = ["SoftmaxCrossEntropyWithLogits at labels rows not summing to 1 (2 elements)"]


def test_autodiff_off_the_numbers_alike_is_dropped_only_where_an_op_s_contract_is_broken() -> None:
    # TF derives forward mode (and XLA's gradient) from the reverse rule, so a rule written for
    # another input class (cross-entropy labels that sum to 1) is off the central difference alike.
    def rule(x: np.ndarray) -> np.ndarray:
        return 1.1 * sin_square_1(x)

    alike = {"reverse_derivative": rule, "forward_derivative": rule, "compiled_derivative": rule}
    within = judge(Elementwise(**alike))
    assert (within.outcome, within.backend) == (Outcome.BUG, "reverse-vs-numeric"), within.explain()
    outside = judge(Elementwise(**alike, contracts=BROKEN_LABELS))
    assert outside.outcome is Outcome.DROPPED, outside.explain()
    assert outside.drop_rule == instability.GRAD_CONTRACT
    assert BROKEN_LABELS[0] in outside.summary
    # Modes that disagree with each other are no contract's doing: still a bug.
    split = judge(Elementwise(reverse_derivative=rule, compiled_derivative=rule, contracts=BROKEN_LABELS))
    assert (split.outcome, split.backend) == (Outcome.BUG, "reverse-vs-numeric"), split.explain()


def test_wrong_forward_is_blamed_on_forward() -> None:
    verdict = judge(Elementwise(forward_derivative=lambda x: 1.01 * sin_square_1(x)))
    assert (verdict.outcome, verdict.backend) == (Outcome.BUG, "forward-vs-numeric"), verdict.explain()


def test_wrong_second_derivative_is_caught_only_by_second_order() -> None:
    def wrong_second(x: np.ndarray) -> np.ndarray:
        return -np.sin(x) * x**2 + 2 * x * np.cos(x) + 2 * np.sin(x)  # one product-rule term lost

    faulty = Elementwise(second_derivative=wrong_second)
    verdict = judge(faulty)
    assert (verdict.outcome, verdict.backend) == (Outcome.BUG, "reverse-over-reverse-vs-numeric"), (
        verdict.explain()
    )
    assert "forward-over-reverse-vs-numeric" in verdict.summary
    assert judge(faulty, second_order=False).outcome is Outcome.PASS


def test_abs_at_zero_is_dropped_as_non_differentiable() -> None:
    def sign_with_zero_positive(x: np.ndarray) -> np.ndarray:
        return np.where(x >= 0, 1.0, -1.0)  # a valid subgradient at 0, unlike the central difference

    functions = Elementwise(
        f=np.abs,
        reverse_derivative=sign_with_zero_positive,
        forward_derivative=sign_with_zero_positive,
        second_derivative=np.zeros_like,
        compiled_derivative=sign_with_zero_positive,
    )
    at_zero = [np.array([0.0, -1.2, 2.0]), POINT[1]]
    verdict = judge(functions, at_zero)
    assert verdict.outcome is Outcome.DROPPED, verdict.explain()
    assert verdict.drop_rule == instability.GRAD_NONDIFFERENTIABLE
    assert judge(functions).outcome is Outcome.PASS  # away from 0, |x| is smooth and the same code agrees


def test_nan_in_both_modes_is_dropped() -> None:
    functions = Elementwise(
        f=np.sqrt,
        reverse_derivative=lambda x: 0.5 / np.sqrt(x),
        forward_derivative=lambda x: 0.5 / np.sqrt(x),
        second_derivative=lambda x: -0.25 * x**-1.5,
        compiled_derivative=lambda x: 0.5 / np.sqrt(x),
    )
    with np.errstate(invalid="ignore"):
        verdict = judge(functions)  # -1.2 and -0.7 are outside sqrt's domain
    assert verdict.outcome is Outcome.DROPPED, verdict.explain()
    assert verdict.drop_rule == instability.GRAD_NONFINITE


def square_derivative_nan_at_zero(x: np.ndarray) -> np.ndarray:
    return 2 * x * (x / x)  # 0/0 at x == 0, where the true derivative is 0


def square_with_a_stray_nan(singular: list[str]) -> Elementwise:
    """x^2 whose reverse rule is NaN at exact zeros; ``singular`` is what the framework says of
    the intermediates there."""
    return Elementwise(
        f=np.square,
        reverse_derivative=square_derivative_nan_at_zero,
        forward_derivative=lambda x: 2 * x,
        second_derivative=lambda x: 2 * np.ones_like(x),
        compiled_derivative=lambda x: 2 * x,
        singular=singular,
    )


WITH_ZERO = [np.array([0.0, -1.2, 2.0]), POINT[1]]


def test_nan_in_one_mode_only_is_a_bug() -> None:
    with np.errstate(invalid="ignore"):
        verdict = judge(square_with_a_stray_nan(singular=[]), WITH_ZERO)
    assert (verdict.outcome, verdict.backend) == (Outcome.BUG, "reverse-vs-forward"), verdict.explain()


def test_nan_in_one_mode_only_through_a_singular_intermediate_is_dropped() -> None:
    # The same one-sided NaN, now with the framework naming an intermediate at a point where its
    # op's derivative is infinite (as jnp.std of a constant meets sqrt at 0).
    with np.errstate(invalid="ignore"):
        verdict = judge(square_with_a_stray_nan(singular=["sqrt at <= 0 (1 element)"]), WITH_ZERO)
    assert verdict.outcome is Outcome.DROPPED, verdict.explain()
    assert verdict.drop_rule == instability.GRAD_SINGULAR_INTERMEDIATE
    assert "sqrt at <= 0 (1 element)" in verdict.summary


def log1p_derivative(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + x)  # -1 at x = -2, where log1p itself is NaN


def log1p_derivative_nan_outside_the_domain(x: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(x > -1.0, 1.0 / (1.0 + x), np.nan)


def log1p_functions(**derivatives: Elementwise1) -> Elementwise:
    rule = {
        "reverse_derivative": log1p_derivative,
        "forward_derivative": log1p_derivative,
        "second_derivative": lambda x: -1.0 / (1.0 + x) ** 2,
        "compiled_derivative": log1p_derivative,
    }
    return Elementwise(f=np.log1p, **{**rule, **derivatives})


OUTSIDE_LOG1P = [np.array([0.3, -2.0, 2.0]), POINT[1]]  # log1p(-2) is NaN, so is L(x)


def test_one_sided_nan_where_the_function_is_undefined_is_dropped() -> None:
    # As TF on log1p(-2): reverse mode says 1/(1+x) = -1, forward mode NaN; L(x) is NaN.
    functions = log1p_functions(forward_derivative=log1p_derivative_nan_outside_the_domain)
    with np.errstate(invalid="ignore"):
        verdict = judge(functions, OUTSIDE_LOG1P)
    assert (verdict.outcome, verdict.drop_rule) == (Outcome.DROPPED, instability.GRAD_NONFINITE_LOSS)
    assert verdict.backend == "reverse-vs-forward" and "L is nan at x" in verdict.summary, verdict.explain()


def test_one_sided_nan_where_the_central_difference_leaves_the_domain_is_dropped() -> None:
    # sqrt at exactly 0: L(x) is finite, but x - eps v or x + eps v is negative in that element.
    # Reverse mode (and the compiler) say 0 there (a "safe" rule), forward mode 1/(2 sqrt(0)) = inf.
    def safe(x: np.ndarray) -> np.ndarray:
        return np.where(x > 0, 0.5 / np.sqrt(np.maximum(x, 1e-300)), 0.0)

    functions = Elementwise(
        f=np.sqrt,
        reverse_derivative=safe,
        forward_derivative=lambda x: 0.5 / np.sqrt(x),
        second_derivative=lambda x: -0.25 * x**-1.5,
        compiled_derivative=safe,
    )
    point = [np.array([0.3, 0.0, 2.0]), np.array([[0.5, 1.5], [0.7, 0.9]])]
    with np.errstate(invalid="ignore", divide="ignore"):
        verdict = judge(functions, point)
    assert (verdict.outcome, verdict.drop_rule) == (Outcome.DROPPED, instability.GRAD_NONFINITE_LOSS)
    assert "(finite at x): the central difference's step leaves its domain" in verdict.summary
    # The other side: test_nan_in_one_mode_only_is_a_bug, where L is finite around x.


def test_compiled_nan_where_the_loss_is_nan_is_dropped_and_anywhere_else_a_bug() -> None:
    compiled = log1p_functions(compiled_derivative=log1p_derivative_nan_outside_the_domain)
    with np.errstate(invalid="ignore"):
        verdict = judge(compiled, OUTSIDE_LOG1P, directions=0)  # the compiled comparison only
    assert (verdict.outcome, verdict.backend) == (Outcome.DROPPED, "compiled-reverse"), verdict.explain()
    assert verdict.drop_rule == instability.GRAD_NONFINITE_LOSS
    assert "NaN/Inf only in compiled" in verdict.summary and "L(x) is nan" in verdict.summary

    def nan_at_zero(x: np.ndarray) -> np.ndarray:
        return sin_square_1(x) * (x / x)  # 0/0 at x == 0, where sin(x) x^2 is smooth

    with np.errstate(invalid="ignore"):
        wrong = judge(Elementwise(compiled_derivative=nan_at_zero), [np.array([0.3, 0.0, 2.0]), POINT[1]])
    assert (wrong.outcome, wrong.backend, wrong.drop_rule) == (Outcome.BUG, "compiled-reverse", None)


def straight_through(x: np.ndarray) -> np.ndarray:
    return x * np.sin(x)  # the program's value: x * stop_gradient(sin(x))


def stopped(**changes: object) -> Elementwise:
    """``x * stop_gradient(sin(x))``: autodiff's derivative is sin(x), the value's sin(x) + x cos(x)."""
    rule: dict[str, object] = {
        "f": straight_through,
        "reverse_derivative": np.sin,
        "forward_derivative": np.sin,
        "second_derivative": np.zeros_like,  # the derivative of a stopped sin(x) is 0
        "compiled_derivative": np.sin,
    }
    return Elementwise(**{**rule, **changes})  # type: ignore[arg-type]


def test_a_stopped_gradient_is_not_compared_with_central_differences() -> None:
    unmarked = judge(stopped())
    assert (unmarked.outcome, unmarked.backend) == (Outcome.BUG, "reverse-vs-numeric")  # the false alarm
    verdict = judge(stopped(skip_numeric="the program detaches"))
    assert verdict.outcome is Outcome.PASS, verdict.explain()
    assert "(reverse and forward, second order" in verdict.summary
    assert "no central differences: the program detaches" in verdict.summary
    assert "grad:numeric" not in {m.mode for m in verdict.modes}
    # Reverse against forward, and compiled against eager, still judge the rules.
    wrong = judge(stopped(skip_numeric="the program detaches", reverse_derivative=np.cos))
    assert (wrong.outcome, wrong.backend) == (Outcome.BUG, "reverse-vs-forward"), wrong.explain()
    assert "no central differences: the program detaches" in wrong.summary
    skewed = judge(stopped(skip_numeric="detached", compiled_derivative=lambda x: np.sin(x) * 1.01))
    assert (skewed.outcome, skewed.backend) == (Outcome.BUG, "compiled-reverse")


def test_skip_forward_leaves_forward_mode_out() -> None:
    # A forward mode that would raise is never called.
    verdict = judge(
        stopped(skip_numeric="no_grad", skip_forward="forward AD ignores no_grad", forward_error=RuntimeError)
    )
    assert verdict.outcome is Outcome.PASS, verdict.explain()
    assert "gradients agree (reverse, second order" in verdict.summary
    assert not {"grad:forward", "grad:forward-over-reverse"} & {m.mode for m in verdict.modes}


def test_wrong_compiled_gradient_is_blamed_on_the_compiler() -> None:
    def skewed(x: np.ndarray) -> np.ndarray:
        return sin_square_1(x) * np.float32(1.01)

    verdict = judge(Elementwise(compiled_derivative=skewed))
    assert (verdict.outcome, verdict.backend, verdict.blame) == (
        Outcome.BUG,
        "compiled-reverse",
        "numpy-compiler",
    ), verdict.explain()
    assert verdict.leaf == "grad[input[0]]"
    assert verdict.rmse_compiled_vs_fp64 > verdict.rmse_eager_vs_fp64


def test_compiled_crash_is_a_crash_blamed_on_the_compiler() -> None:
    def crashes(x: np.ndarray) -> np.ndarray:
        raise RuntimeError("backward kernel failed to build")

    verdict = judge(Elementwise(compiled_derivative=crashes))
    assert (verdict.outcome, verdict.symptom, verdict.blame) == (Outcome.BUG, Symptom.CRASH, "numpy-compiler")
    assert verdict.exception is not None and "backward kernel" in verdict.exception.message


@pytest.mark.parametrize("error", [NotImplementedError, ModeNotImplemented])
def test_forward_mode_not_implemented_is_dropped_and_reverse_still_checked(error: type[Exception]) -> None:
    verdict = judge(Elementwise(forward_error=error))
    assert verdict.outcome is Outcome.DROPPED, verdict.explain()
    assert (verdict.drop_rule, verdict.backend) == (instability.GRAD_MODE_NOT_IMPLEMENTED, "forward")
    wrong_reverse = judge(Elementwise(forward_error=error, reverse_derivative=np.cos))
    assert (wrong_reverse.outcome, wrong_reverse.backend) == (Outcome.BUG, "reverse-vs-numeric")


def test_precision_cast_is_dropped() -> None:
    verdict = judge(Elementwise(casts_to_half=True))
    assert (verdict.outcome, verdict.drop_rule) == (Outcome.DROPPED, instability.GRAD_PRECISION)


def test_large_offset_roundoff_in_the_central_difference_is_not_a_bug() -> None:
    def offset(x: np.ndarray) -> np.ndarray:
        return x + 1e9  # L ~ 1e9: the central difference loses ~6 digits to roundoff

    functions = Elementwise(
        f=offset,
        reverse_derivative=np.ones_like,
        forward_derivative=np.ones_like,
        second_derivative=np.zeros_like,
        compiled_derivative=np.ones_like,
    )
    assert judge(functions).outcome is Outcome.PASS


def test_eager_reverse_raising_makes_the_program_invalid_for_gradients() -> None:
    def raises(x: np.ndarray) -> np.ndarray:
        raise RuntimeError("a leaf variable was modified in place")

    verdict = judge(Elementwise(reverse_derivative=raises))
    assert verdict.outcome is Outcome.INVALID, verdict.explain()


def test_combine_keeps_the_worse_verdict_and_both_summaries() -> None:
    values = Verdict(Outcome.PASS, "compiled agrees with eager", seconds=1.0, triggers=["addmm"])
    grads = judge(Elementwise(forward_derivative=np.cos))
    combined = combine(values, grads)
    assert (combined.outcome, combined.backend) == (Outcome.BUG, "forward-vs-numeric")
    assert combined.summary.startswith("grads: forward-vs-numeric")
    assert "values: pass: compiled agrees with eager" in combined.summary
    assert combined.triggers == ["addmm"]
    assert combined.seconds == pytest.approx(1.0 + grads.seconds)
    assert combine(values, judge(Elementwise())).outcome is Outcome.PASS
    bug = Verdict(Outcome.BUG, "inductor: wrong_value", symptom=Symptom.WRONG_VALUE)
    dropped = judge(Elementwise(casts_to_half=True))
    both = combine(bug, dropped)
    assert (both.outcome, both.symptom) == (Outcome.BUG, Symptom.WRONG_VALUE)
    assert both.summary.startswith("values: inductor")
    assert f"grads: dropped by {instability.GRAD_PRECISION}: " in both.summary  # auditable
