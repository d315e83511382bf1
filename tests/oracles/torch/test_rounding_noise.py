"""Monte Carlo arithmetic on the float64 referee: how far rounding alone moves a computation."""

from __future__ import annotations

import numpy as np

from oracles.rounding import UNIT_ROUNDOFF, drop_within_rounding, rounding_spread, unit_roundoff
from oracles.torch.rounding_noise import rounding_noise
from oracles.verdict import Outcome, Verdict

FLOAT32 = UNIT_ROUNDOFF["float32"]


def spread_of(function, *inputs) -> float:  # type: ignore[no-untyped-def]
    def evaluate() -> np.ndarray:
        return function(*inputs).numpy()

    spread = rounding_spread(evaluate, evaluate(), FLOAT32, rounding_noise)
    assert spread is not None
    return spread


def test_a_well_conditioned_computation_moves_by_about_the_unit_roundoff() -> None:
    import torch

    x = torch.randn(200, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    value = float((x * x).sum())
    assert 0 < spread_of(lambda t: (t * t).sum(), x) < 20 * FLOAT32 * value


def test_the_gradient_of_a_saturated_softmax_moves_far_more_than_the_unit_roundoff() -> None:
    import torch

    generator = torch.Generator().manual_seed(0)
    q, k = (torch.randn(8, 4, 2, dtype=torch.float64, generator=generator) for _ in range(2))

    def gradient(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        q = q.clone().requires_grad_()
        attention = (q @ k.transpose(-2, -1)).div(0.001).softmax(-1) @ k
        return torch.autograd.grad(attention.sum(), q)[0]

    scale = float(gradient(q, k).abs().mean())
    assert spread_of(gradient, q, k) > 100 * FLOAT32 * scale


def test_exact_ops_are_not_perturbed_and_the_generator_is_the_noise_s_own() -> None:
    import torch

    x = torch.randn(4, 5, dtype=torch.float64)
    assert spread_of(lambda t: torch.cat([t.t().flip(0), -t.t()]).amax(0).clamp(0.1), x) == 0.0
    torch.manual_seed(3)
    expected = torch.rand(1)
    torch.manual_seed(3)
    with rounding_noise(FLOAT32, seed=0):
        (x * 2.0).sum()
    assert torch.equal(torch.rand(1), expected)  # the program's own random stream is untouched
    assert unit_roundoff("float32", None, "bfloat16") == UNIT_ROUNDOFF["bfloat16"]
    assert unit_roundoff(None) == FLOAT32


def test_a_result_is_within_rounding_near_the_spread_or_when_no_digit_of_it_survives() -> None:
    def verdict(rmse: float) -> Verdict:
        return Verdict(Outcome.BUG, "differs", rmse_compiled_vs_fp64=rmse)

    reference = np.full(10, 100.0)
    assert drop_within_rounding(verdict(2e-3), 1e-3, reference).outcome is Outcome.DROPPED  # 2x
    assert drop_within_rounding(verdict(5e-3), 1e-3, reference).outcome is Outcome.BUG  # 5x
    zero_in_exact_arithmetic = np.full(10, 3e-13)
    gone = drop_within_rounding(verdict(1600.0), 250.0, zero_in_exact_arithmetic)
    assert gone.outcome is Outcome.DROPPED and "its own rms is 3e-13" in gone.summary
    assert drop_within_rounding(verdict(1.0), None, reference).outcome is Outcome.BUG  # no estimate
