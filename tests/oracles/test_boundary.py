"""Boundary input draws: each one keeps what the compiled program guards on and puts the values
where bugs hide; the same draw is the same in every mode and on every re-run."""

from __future__ import annotations

import pytest

from fuzzfox.targets.base import program_constants
from oracles.boundary import DRAWS, draw_inputs
from tests.conftest import requires_torch

pytestmark = requires_torch


def recorded():
    import torch

    torch.manual_seed(0)
    x = torch.randn(8, 16, requires_grad=True)
    image = torch.randn(2, 3, 4, 4).contiguous(memory_format=torch.channels_last)
    return (x, image, torch.arange(5), 2.5)


@pytest.mark.parametrize("draw", DRAWS)
def test_a_draw_keeps_shapes_dtypes_layout_and_non_float_inputs(draw: str) -> None:
    import torch

    x, image, index, scalar = recorded()
    drawn = draw_inputs((x, image, index, scalar), draw, seed=3, constants=(0.5,))
    assert [t.shape for t in drawn[:2]] == [x.shape, image.shape]
    assert drawn[0].dtype == x.dtype and drawn[0].requires_grad and drawn[0].is_leaf
    assert drawn[1].is_contiguous(memory_format=torch.channels_last)
    assert drawn[2] is index and drawn[3] == scalar
    again = draw_inputs(recorded(), draw, seed=3, constants=(0.5,))
    assert torch.equal(drawn[0], again[0]) and torch.equal(drawn[1], again[1])  # repeatable


def test_each_draw_puts_values_where_bugs_hide() -> None:
    import torch

    x = recorded()[0].detach()

    def drawn(draw: str, constants: tuple[float, ...] = ()) -> torch.Tensor:
        return draw_inputs((x,), draw, seed=1, constants=constants)[0]

    assert (drawn("zeros") == 0).float().mean() > 0.3
    assert set(drawn("constants", (0.3,)).unique().tolist()) & {0.30000001192092896, -0.30000001192092896}
    assert drawn("ties").unique().numel() <= 3
    assert torch.equal(drawn("integers"), drawn("integers").round())
    assert torch.equal(drawn("halves") - 0.5, (drawn("halves") - 0.5).round())
    assert (drawn("negative") <= 0).all()
    assert drawn("large").abs().max() > 1e4


def test_large_values_stay_finite_in_a_narrow_dtype_products_included() -> None:
    import numpy as np
    import torch

    x = recorded()[0].detach()
    for dtype in (torch.float16, torch.bfloat16, torch.float32):
        large = draw_inputs((x.to(dtype),), "large", seed=1)[0]
        assert torch.isfinite(large).all() and torch.isfinite(large * large).all(), dtype
        assert large.abs().max() > (30 if dtype == torch.float16 else 1e4), dtype  # still large
    half = draw_inputs((x.numpy().astype(np.float16),), "large", seed=1)[0]
    assert np.isfinite(half).all() and np.isfinite(half * half).all()


def test_program_constants_are_the_literals_of_the_computation_not_of_make_inputs() -> None:
    source = (
        "import torch\n"
        "def fn(x):\n"
        "    return torch.clamp(x, min=-0.5, max=2) * (x > 0.25)\n"
        "def make_inputs():\n"
        "    return (torch.randn(3, 7) * 11.0,)\n"
    )
    assert program_constants(source) == (0.5, 2.0, 0.25)  # -0.5 is USub(0.5): the pool negates anyway
    assert program_constants("def broken(:") == ()


def test_numpy_inputs_of_jax_and_tf_programs_are_drawn_too() -> None:
    import numpy as np

    x = np.random.default_rng(0).standard_normal((6, 5)).astype(np.float32)
    labels = np.arange(6)
    drawn = draw_inputs((x, labels, 3.0), "zeros", seed=0)
    assert drawn[0].dtype == np.float32 and drawn[0].shape == x.shape and (drawn[0] == 0).any()
    assert drawn[1] is labels and drawn[2] == 3.0
    assert np.array_equal(drawn[0], draw_inputs((x, labels, 3.0), "zeros", seed=0)[0])
