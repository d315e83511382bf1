"""Hypothesis-drawn neighbours of a program's recorded inputs (``pytest --fuzzfox-hypothesis N``).

One regression program checks one set of inputs; its draws check a neighbourhood: the same
ranks, dtypes and value ranges, each size within ±50 %.  Who does what, and where:

- In the pytest process, hypothesis draws N :class:`InputDraw` plans per program (a value seed and
  one size factor per distinct recorded size).  It never sees an input: ``make_inputs`` is program
  code and runs only in the sandbox.  Draws are seeded by the program's id, so every run of the
  suite checks the same neighbours (a regression suite must be repeatable).
- :func:`variant_source` turns a plan into a variant program: the original source plus two
  generated lines that wrap ``make_inputs``.  The variant runs in the sandbox like any program.
- In the sandbox, the wrapper calls the recorded ``make_inputs`` and rebuilds every torch tensor
  and numpy array (:func:`redraw`; the jax and tf corpora build their inputs with numpy), then
  prints one line (:data:`MARKER`) naming the recorded and drawn shapes, which the plugin reads
  back from the run's output to describe a failing draw.

Limits, plainly:

- Sizes are mapped by value: every recorded size ``s > 1`` becomes one new size in
  ``[max(1, ceil(s/2)), floor(3s/2)]`` wherever it appears, so equal sizes stay equal (most
  broadcasts, matmuls and concatenations stay valid); sizes 0 and 1 never change.  Sizes the model
  bakes in (``Linear(16, 8)``, ``x.view(2, -1, 8)``) make a draw that changes them invalid: eager
  raises on it, and the plugin skips that draw instead of failing.  A factor of exactly 1.0 is
  drawn often, so some draws keep such sizes.
- Values: floating arrays are drawn from a normal with the recorded mean and standard deviation,
  clipped to the recorded finite [min, max] (NaN and infinities in recorded inputs are not
  reproduced); integer arrays uniformly in the recorded [min, max] (an index array may point out
  of range after a size change: an invalid draw); bool arrays with the recorded fraction of
  ``True``; complex arrays from a complex normal scaled by the recorded largest magnitude.
- Kept: dtype, device, ``requires_grad``, 4-D channels-last layout; inputs that are not torch
  tensors or numpy arrays (Python numbers, jax arrays, tf tensors, numpy scalars) stay as
  recorded.  Lost: other strides, views, aliasing between inputs; quantized and sparse tensors and
  dtypes numpy lacks natively (ml_dtypes' bfloat16) stay as recorded, so a draw that resizes
  them is invalid.
- No shrinking: every draw costs a sandboxed compile, so a failing draw is reported as drawn
  (its seed and shapes), not minimized.  Hypothesis may return fewer than N distinct plans.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import sys
from collections.abc import Callable
from typing import Any

MARKER = "fuzzfox-draw:"
SIZE_FACTOR_SLOTS = 8  # distinct recorded sizes beyond this reuse factors cyclically
MAX_SEED = 2**31 - 1


@dataclasses.dataclass(frozen=True)
class InputDraw:
    """One neighbour of the recorded inputs: a value seed and per-size scale factors."""

    seed: int
    size_factors: tuple[float, ...]

    def wrap(self, make_inputs: Callable[[], Any]) -> Callable[[], Any]:
        """``make_inputs`` whose tensors are redrawn by this plan (runs in the sandbox)."""

        def drawn_inputs() -> Any:
            drawn, shapes = redraw(make_inputs(), self)
            print(MARKER, json.dumps(shapes), file=sys.stderr, flush=True)
            return drawn

        return drawn_inputs

    def describe(self) -> str:
        factors = ", ".join(f"{factor:g}" for factor in self.size_factors)
        return f"seed {self.seed}, size factors ({factors})"


def scaled_size(size: int, factor: float) -> int:
    """``size * factor`` kept within ±50 % of ``size`` and at least 1; 0 and 1 stay as they are."""
    if size <= 1:
        return size
    low, high = max(1, math.ceil(size / 2)), math.floor(size * 3 / 2)
    return min(high, max(low, round(size * factor)))


def redraw(inputs: Any, draw: InputDraw) -> tuple[Any, list[str]]:
    """The inputs with every array rebuilt by ``draw``, and one "recorded -> drawn" line per array."""
    recorded_sizes = sorted({size for array in _arrays(inputs) for size in array.shape if size > 1})
    factors = itertools.cycle(draw.size_factors or (1.0,))
    new_size = {size: scaled_size(size, next(factors)) for size in recorded_sizes}
    arrays = itertools.count()
    shapes: list[str] = []

    def rebuild(value: Any, path: str) -> Any:
        kind = _array_kind(value)
        if kind is not None:
            shape = tuple(new_size.get(size, size) for size in value.shape)
            rebuilt = REBUILDERS[kind](value, shape, (draw.seed, next(arrays)))
            dtype = str(value.dtype).removeprefix("torch.")
            shapes.append(f"{path}: {dtype} {_shape(value)} -> {_shape(rebuilt)}")
            return rebuilt
        if type(value) in (tuple, list):
            return type(value)(rebuild(item, f"{path}[{index}]") for index, item in enumerate(value))
        if type(value) is dict:
            return {key: rebuild(item, f"{path}[{key!r}]") for key, item in value.items()}
        return value

    if type(inputs) in (tuple, list):
        drawn = type(inputs)(rebuild(item, f"input[{index}]") for index, item in enumerate(inputs))
    else:
        drawn = rebuild(inputs, "input[0]")
    return drawn, shapes


def _array_kind(value: Any) -> str | None:
    """ "torch" or "numpy" for an array a draw rebuilds; None for anything kept as recorded.

    Looked up in ``sys.modules``: a program that never imported a library holds none of its
    arrays, and a jax or tf worker must not import torch to find that out.
    """
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return "torch"
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.ndarray):
        return "numpy"
    return None


def _arrays(value: Any) -> list[Any]:
    if _array_kind(value) is not None:
        return [value]
    if type(value) in (tuple, list):
        return [array for item in value for array in _arrays(item)]
    if type(value) is dict:
        return [array for item in value.values() for array in _arrays(item)]
    return []


def _shape(array: Any) -> str:
    return "(" + ", ".join(str(size) for size in array.shape) + ")"


def _redrawn_array(recorded: Any, shape: tuple[int, ...], seed: tuple[int, int]) -> Any:
    """A numpy array of ``shape`` and the recorded dtype, with values from the recorded range."""
    import numpy as np

    rng = np.random.default_rng(seed)  # one independent stream per (draw, array)
    kind, empty = recorded.dtype.kind, recorded.size == 0
    if kind == "b":
        drawn = rng.random(shape) < (0.5 if empty else recorded.mean())
    elif kind in "iu":
        low, high = (0, 0) if empty else (recorded.min(), recorded.max())
        drawn = rng.integers(low, high, size=shape, endpoint=True)
    elif kind == "c":
        scale = 1.0 if empty else np.abs(recorded).max()
        drawn = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) * (scale / np.sqrt(2))
    elif kind == "f":
        finite = recorded[np.isfinite(recorded)].astype(np.float64)
        if finite.size == 0:
            return np.zeros(shape, dtype=recorded.dtype)
        spread = finite.std(ddof=1) if finite.size > 1 else 0.0
        drawn = np.clip(rng.standard_normal(shape) * spread + finite.mean(), finite.min(), finite.max())
    else:  # strings, objects, extension dtypes (bfloat16 from ml_dtypes): kept as recorded
        return recorded
    return np.asarray(drawn).astype(recorded.dtype)


def _redrawn_tensor(recorded: Any, shape: tuple[int, ...], seed: tuple[int, int]) -> Any:
    """The torch form of :func:`_redrawn_array`, keeping device, grad and channels-last layout."""
    import torch

    if recorded.is_quantized or recorded.layout != torch.strided:
        return recorded
    reference = recorded.detach().cpu()
    if recorded.is_complex():
        reference = reference.to(torch.complex128)
    elif recorded.is_floating_point():
        reference = reference.to(torch.float64)  # numpy has no bfloat16
    elif recorded.dtype != torch.bool:
        reference = reference.to(torch.int64)
    drawn = torch.from_numpy(_redrawn_array(reference.numpy(), shape, seed)).to(recorded.dtype)
    channels_last = recorded.dim() == 4 and recorded.is_contiguous(memory_format=torch.channels_last)
    if channels_last and not recorded.is_contiguous():
        drawn = drawn.contiguous(memory_format=torch.channels_last)
    drawn = drawn.to(recorded.device)
    if recorded.requires_grad:
        drawn.requires_grad_(True)
    return drawn


REBUILDERS = {"torch": _redrawn_tensor, "numpy": _redrawn_array}


def variant_source(source: str, draw: InputDraw, label: str) -> str:
    """The program's source plus the generated lines that make it run on ``draw``'s inputs."""
    return (
        source.rstrip("\n")
        + "\n\n"
        + "\n".join(
            [
                f"# --- fuzzfox: hypothesis {label} (generated) ---",
                *reproducer_lines(draw),
            ]
        )
        + "\n"
    )


def reproducer_lines(draw: InputDraw) -> list[str]:
    """The lines that, appended to a program, make it run on ``draw``'s inputs."""
    return [
        "from fuzzfox.input_draws import InputDraw as _FuzzfoxInputDraw",
        f"make_inputs = _FuzzfoxInputDraw(seed={draw.seed}, size_factors={draw.size_factors!r})"
        ".wrap(make_inputs)",
    ]


def drawn_shapes(output_tail: str) -> list[str] | None:
    """The shapes a draw's run reported, read back from its output (None if the line was lost)."""
    for line in reversed(output_tail.splitlines()):
        if line.startswith(MARKER):
            try:
                return [str(item) for item in json.loads(line[len(MARKER) :])]
            except ValueError:
                return None
    return None


def draw_plans(program_id: str, count: int) -> list[InputDraw]:
    """Up to ``count`` distinct plans from hypothesis, the same ones every run for one program."""
    from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
    from hypothesis import strategies as st

    factor = st.one_of(st.just(1.0), st.floats(0.5, 1.5).map(lambda value: round(value, 2)))
    plan = st.builds(
        InputDraw,
        seed=st.integers(0, MAX_SEED),
        size_factors=st.tuples(*[factor] * SIZE_FACTOR_SLOTS),
    )
    plans: list[InputDraw] = []

    @seed(int(program_id[:16], 16))
    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    @given(plan)
    def collect(drawn: InputDraw) -> None:
        if drawn not in plans:
            plans.append(drawn)

    collect()
    return plans[:count]
