"""Boundary-valued input draws: the values where compiler bugs hide, run after one compile.

``randn`` inputs almost never hit the values a rewrite gets wrong: exact zeros (``x / y`` with
``y == 0``, ``sign``), values equal to the program's own constants (``x > 0.5``, ``clamp(min=c)``,
``threshold``), ties (``max``/``argmax``/``sort``/``topk``/pooling), integer-valued and half-integer
floats (``floor``, ``round``, ``fmod``, ``remainder``), all-negative tensors (one branch of
``relu``/``leaky_relu``/``elu``/``abs``), and large magnitudes (overflow, ``exp`` stability).
The values oracle compiles a program once and then runs eager, the float64 referee and every
compiled backend on each draw (a call costs milliseconds, a compile seconds).

Each draw rewrites a copy of every floating torch tensor or numpy array of the recorded inputs
(torch programs, and the numpy inputs of jax and tf programs), from a generator seeded by the
draw and the input's position, so a draw is the same in every mode and on every re-run: triage
and ``fuzzfox recheck`` see the failure again.  Integer, bool and complex arrays and Python
scalars are kept (an index moved out of range would only make the draw invalid).

This module imports nothing of fuzzfox (numpy; torch only for a torch tensor): a reproducer script
embeds its source so a failing draw can be shown to a framework engineer without fuzzfox.
"""

from __future__ import annotations

from typing import Any

import numpy as np

DRAWS = ("zeros", "constants", "ties", "integers", "halves", "negative", "large")
# Not a value draw: dim 0 of the batch-like inputs grown by one (their first row repeated), so a
# compiled program meets a new size after its first call (``# compile: resize=True``).
RESIZED = "resized"
FALLBACK_CONSTANTS = (0.0, 1.0, -1.0, 0.5)
LARGE_SCALE = 3.0e4
# "large" stays large for the input's dtype: a product of two drawn values must still be finite
# (float16's 3e4 * randn is inf past |x| = 2.2, an inf draw rather than a large one, where any
# evaluation order's NaN is as right as another's), so the scale is at most sqrt(max) / 16:
# 16 for float16, unchanged (LARGE_SCALE) for bfloat16, float32 and float64.
LARGE_HEADROOM = 16.0
CONSTANT_LIMIT = 16


def draw_inputs(inputs: Any, draw: str, seed: int, constants: tuple[float, ...] = ()) -> Any:
    """The inputs with every floating torch tensor and numpy array rewritten by ``draw`` (a name in
    ``DRAWS``), each from its own generator: position ``i`` of a tuple draws from ``seed * 31 + i``;
    or, for ``resized``, the same values with the batch grown by one row."""
    if draw == RESIZED:
        return _resized(inputs)
    if draw not in DRAWS:
        raise ValueError(f"unknown input draw {draw!r} (known: {', '.join((*DRAWS, RESIZED))})")
    if isinstance(inputs, (list, tuple)):
        return type(inputs)(
            draw_inputs(item, draw, seed * 31 + i, constants) for i, item in enumerate(inputs)
        )
    generator = np.random.default_rng([seed, DRAWS.index(draw)])
    if isinstance(inputs, np.ndarray) and np.issubdtype(inputs.dtype, np.floating):
        scale = large_scale(float(np.finfo(inputs.dtype).max))
        return _rewrite(inputs.astype(np.float64), draw, generator, constants, scale).astype(inputs.dtype)
    if type(inputs).__module__.startswith("torch") and getattr(inputs, "is_floating_point", bool)():
        return _draw_tensor(inputs, draw, generator, constants)
    return inputs


def _draw_tensor(tensor: Any, draw: str, generator: np.random.Generator, constants: tuple[float, ...]) -> Any:
    import torch

    scale = large_scale(float(torch.finfo(tensor.dtype).max))
    values = _rewrite(tensor.detach().cpu().to(torch.float64).numpy(), draw, generator, constants, scale)
    drawn = torch.from_numpy(values).to(dtype=tensor.dtype, device=tensor.device)
    if tensor.dim() == 4 and tensor.is_contiguous(memory_format=torch.channels_last):
        drawn = drawn.contiguous(memory_format=torch.channels_last)
    return drawn.requires_grad_(tensor.requires_grad)


def large_scale(dtype_max: float) -> float:
    """What the "large" draw multiplies by, for a dtype whose largest finite value is ``dtype_max``."""
    return min(LARGE_SCALE, dtype_max**0.5 / LARGE_HEADROOM)


def _rewrite(
    x: np.ndarray, draw: str, generator: np.random.Generator, constants: tuple[float, ...], scale: float
) -> np.ndarray:
    half = generator.random(x.shape) < 0.5
    if draw == "zeros":
        signed_zero = np.where(generator.random(x.shape) < 0.2, -0.0, 0.0)
        return np.where(half, signed_zero, x)
    if draw == "constants":
        pool = np.array(_constant_pool(constants))
        return np.where(half, pool[generator.integers(len(pool), size=x.shape)], x)
    if draw == "ties":
        finite = x[np.isfinite(x)]
        if not finite.size:
            return x
        return finite[generator.integers(finite.size, size=3)][generator.integers(3, size=x.shape)]
    if draw == "integers":
        return np.round(x * 3.0)
    if draw == "halves":
        return np.floor(x * 3.0) + 0.5
    if draw == "negative":
        return -np.abs(x)
    return x * scale  # "large"


def _constant_pool(constants: tuple[float, ...]) -> list[float]:
    """The program's constants and their negations (``x < -c`` is as common as ``x > c``)."""
    chosen = [float(c) for c in constants[:CONSTANT_LIMIT]] or list(FALLBACK_CONSTANTS)
    return sorted({value for c in chosen for value in (c, -c)})


def _leading(value: Any) -> int | None:
    """Dim 0 of a numpy array or torch tensor with at least one dimension."""
    shape = getattr(value, "shape", ())
    return int(shape[0]) if len(shape) >= 1 and hasattr(value, "dtype") else None


def _resized(inputs: Any) -> Any:
    """The inputs that share the most common leading size, grown by one row along dim 0.

    Vectors beside inputs of two or more dimensions are left alone: there they are per-channel
    parameters (a weight, a bias, running statistics), whose size the batch does not set; grown,
    they no longer fit the channels, and what eager and compiled then do is undefined (eager's
    ``native_batch_norm`` reads the first of two weights for one channel, Inductor broadcasts)."""
    items = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    batched = [item for item in items if _leading(item) is not None]
    if any(item.ndim >= 2 for item in batched):
        batched = [item for item in batched if item.ndim >= 2]
    sizes = [_leading(item) for item in batched]
    if not sizes:
        return inputs
    batch = max(sorted(set(sizes)), key=sizes.count)
    chosen = {id(item) for item in batched if _leading(item) == batch}
    grown = [_grow(item) if id(item) in chosen else item for item in items]
    return type(inputs)(grown) if isinstance(inputs, (list, tuple)) else grown[0]


def _grow(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return np.concatenate([value, value[:1]])
    import torch

    grown = torch.cat([value.detach(), value.detach()[:1]])
    return grown.requires_grad_(value.requires_grad) if grown.is_floating_point() else grown
