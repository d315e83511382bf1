"""JAX's rounding noise: the jaxpr interpreter equals op-by-op evaluation without noise, perturbs
every rounding primitive (inside jitted calls too) by about one unit roundoff, and leaves exact
ones alone; the spread tells an ill-conditioned program from a well-conditioned one."""

from __future__ import annotations

import numpy as np
import pytest

from oracles.jax.rounding_noise import interpret, rounding_noise
from oracles.rounding import UNIT_ROUNDOFF, rounding_spread

FLOAT64 = UNIT_ROUNDOFF["float64"]
FLOAT32 = UNIT_ROUNDOFF["float32"]


@pytest.fixture(scope="module", autouse=True)
def x64() -> None:
    import jax

    jax.config.update("jax_enable_x64", True)


def point() -> np.ndarray:
    return np.random.default_rng(0).standard_normal((4, 5))


def test_without_noise_the_interpreter_is_op_by_op_evaluation() -> None:
    import jax
    import jax.numpy as jnp

    def function(x: jax.Array) -> jax.Array:
        return jnp.linalg.norm(jnp.tanh(x) @ x.T, axis=0) + jax.jit(jnp.sin)(x).sum()

    with jax.disable_jit():
        expected = np.asarray(function(jnp.asarray(point())))
    assert np.array_equal(np.asarray(interpret(function, jnp.asarray(point()))), expected)


def test_a_well_conditioned_program_spreads_by_about_the_unit_roundoff() -> None:
    import jax
    import jax.numpy as jnp

    def function(x: jax.Array) -> jax.Array:
        return jnp.sin(x) * 2.0 + jnp.exp(x / 3.0)

    x = jnp.asarray(point())
    reference = np.asarray(interpret(function, x))
    spread = rounding_spread(lambda: np.asarray(interpret(function, x)), reference, FLOAT32, rounding_noise)
    assert spread is not None and FLOAT32 * 0.01 < spread < FLOAT32 * 10


def test_exact_primitives_are_not_perturbed_and_jitted_calls_are_entered() -> None:
    import jax
    import jax.numpy as jnp

    x = jnp.asarray(point())
    exact = lambda v: jnp.maximum(jnp.transpose(v)[::-1], 0.0)  # noqa: E731
    assert (
        rounding_spread(
            lambda: np.asarray(interpret(exact, x)), np.asarray(exact(x)), FLOAT32, rounding_noise
        )
        == 0
    )
    jitted = jax.jit(lambda v: v * 3.0)
    spread = rounding_spread(
        lambda: np.asarray(interpret(lambda v: jitted(v), x)), np.asarray(jitted(x)), FLOAT32, rounding_noise
    )
    assert spread is not None and spread > 0


def test_a_cancellation_spreads_far_beyond_the_unit_roundoff() -> None:
    import jax.numpy as jnp

    def function(x: np.ndarray) -> np.ndarray:
        big = x * 1.0e8
        return (big + 1.0) - big  # 1 in exact arithmetic, rounding of 1e8-sized terms in float32

    x = jnp.asarray(point())
    reference = np.asarray(interpret(function, x))
    spread = rounding_spread(lambda: np.asarray(interpret(function, x)), reference, FLOAT32, rounding_noise)
    assert spread is not None and spread > 1.0
