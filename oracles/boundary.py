"""Boundary-valued input draws: the values where compiler bugs hide, run after one compile.

``randn`` inputs almost never hit the values a rewrite gets wrong: exact zeros (``x / y`` with
``y == 0``, ``sign``), values equal to the program's own constants (``x > 0.5``, ``clamp(min=c)``,
``threshold``), ties (``max``/``argmax``/``sort``/``topk``/pooling), integer-valued and half-integer
floats (``floor``, ``round``, ``fmod``, ``remainder``), all-negative tensors (one branch of
``relu``/``leaky_relu``/``elu``/``abs``), and large magnitudes (overflow, ``exp`` stability).
The values oracle compiles a program once and then runs eager, the float64 referee and every
compiled backend on each draw (a call costs milliseconds, a compile seconds).

Each draw rewrites every floating tensor of the recorded inputs in place of a copy, from a
generator seeded by the draw's position, so a draw is the same in every mode and on every
re-run: triage and ``fuzzfox recheck`` see the failure again.  Integer, bool and complex tensors
and Python scalars are kept (an index moved out of range would only make the draw invalid).

This module imports nothing of fuzzfox: a reproducer script embeds its source so a failing draw
can be shown to a framework engineer without fuzzfox installed.
"""

from __future__ import annotations

from typing import Any

DRAWS = ("zeros", "constants", "ties", "integers", "halves", "negative", "large")
FALLBACK_CONSTANTS = (0.0, 1.0, -1.0, 0.5)
LARGE_SCALE = 3.0e4
CONSTANT_LIMIT = 16


def draw_inputs(inputs: Any, draw: str, seed: int, constants: tuple[float, ...] = ()) -> Any:
    """The inputs with every floating tensor rewritten by ``draw`` (a name in ``DRAWS``)."""
    import torch

    if isinstance(inputs, (list, tuple)):
        return type(inputs)(
            draw_inputs(item, draw, seed * 31 + i, constants) for i, item in enumerate(inputs)
        )
    if not isinstance(inputs, torch.Tensor) or not inputs.is_floating_point():
        return inputs
    generator = torch.Generator().manual_seed(seed * len(DRAWS) + DRAWS.index(draw))
    with torch.no_grad():
        values = _rewrite(inputs.detach().to(torch.float64).cpu(), draw, generator, constants)
        drawn = values.to(dtype=inputs.dtype, device=inputs.device)
        if inputs.dim() == 4 and inputs.is_contiguous(memory_format=torch.channels_last):
            drawn = drawn.contiguous(memory_format=torch.channels_last)
    return drawn.requires_grad_(inputs.requires_grad)


def _rewrite(x: Any, draw: str, generator: Any, constants: tuple[float, ...]) -> Any:
    import torch

    half = torch.rand(x.shape, generator=generator, dtype=torch.float64) < 0.5
    if draw == "zeros":
        signed_zero = torch.where(torch.rand(x.shape, generator=generator) < 0.2, -0.0, 0.0)
        return torch.where(half, signed_zero.to(torch.float64), x)
    if draw == "constants":
        pool = torch.tensor(_constant_pool(constants), dtype=torch.float64)
        picks = pool[torch.randint(len(pool), x.shape, generator=generator)]
        return torch.where(half, picks, x)
    if draw == "ties":
        finite = x[torch.isfinite(x)]
        choices = finite[torch.randint(finite.numel(), (3,), generator=generator)] if finite.numel() else None
        if choices is None:
            return x
        return choices[torch.randint(3, x.shape, generator=generator)]
    if draw == "integers":
        return torch.round(x * 3.0)
    if draw == "halves":
        return torch.floor(x * 3.0) + 0.5
    if draw == "negative":
        return -torch.abs(x)
    if draw == "large":
        return x * LARGE_SCALE
    raise ValueError(f"unknown input draw {draw!r} (known: {', '.join(DRAWS)})")


def _constant_pool(constants: tuple[float, ...]) -> list[float]:
    """The program's constants and their negations (``x < -c`` is as common as ``x > c``)."""
    chosen = [float(c) for c in constants[:CONSTANT_LIMIT]] or list(FALLBACK_CONSTANTS)
    return sorted({value for c in chosen for value in (c, -c)})
