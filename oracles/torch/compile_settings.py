"""How a torch program is compiled beyond its Inductor config: where PyTorch's own fuzzer finds
most of its bugs (symbolic shapes, guards and recompiles, data-dependent values, whole graphs).

A program's ``# compile:`` header sets them, ``KEY=VALUE`` pairs like its ``# config:``:

- ``dynamic``: ``False`` (default: static shapes, Dynamo's automatic dynamic on a recompile),
  ``True`` (``torch.compile(dynamic=True)``: every size symbolic), or ``marked``
  (``torch._dynamo.maybe_mark_dynamic`` on dim 0 of every input larger than 1 there: symbolic
  unless the program pins that size, as a ``Linear`` on a batch of one feature would; a hard
  ``mark_dynamic`` there raises ``ConstraintViolationError``, the user's error, not Dynamo's);
- ``resize``: after the recorded inputs, call the compiled program again with dim 0 of the
  batch-like inputs grown by one (the ``resized`` input draw): a guard check, a recompile or a
  symbolic kernel on a new size, judged against eager on the same inputs.  A recompile is not a
  bug; a wrong value after one is;
- ``fullgraph``: ``torch.compile(fullgraph=True)``; a program with a graph break is then invalid
  for these settings, not a bug;
- ``capture_scalar_outputs``, ``capture_dynamic_output_shape_ops``: Dynamo traces ``.item()``
  and ops with data-dependent output shapes (``nonzero``, boolean masks, ``unique``) into the
  graph as unbacked symbols instead of breaking the graph.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import Any

from oracles.verdict import Outcome, Verdict

DYNAMIC_CHOICES = (False, True, "marked")
FLAGS = ("resize", "fullgraph", "capture_scalar_outputs", "capture_dynamic_output_shape_ops")
RESIZED_DRAW = "resized"


@dataclasses.dataclass(frozen=True)
class CompileSettings:
    dynamic: bool | str = False
    resize: bool = False
    fullgraph: bool = False
    capture_scalar_outputs: bool = False
    capture_dynamic_output_shape_ops: bool = False

    @classmethod
    def parse(cls, values: dict[str, Any]) -> CompileSettings:
        """From a ``# compile:`` header's pairs; ValueError names what is wrong."""
        unknown = sorted(set(values) - {"dynamic", *FLAGS})
        if unknown:
            raise ValueError(f"unknown compile setting {unknown[0]!r} (known: dynamic, {', '.join(FLAGS)})")
        if values.get("dynamic", False) not in DYNAMIC_CHOICES:
            raise ValueError(f"dynamic={values['dynamic']!r}: use False, True or marked")
        for flag in FLAGS:
            if not isinstance(values.get(flag, False), bool):
                raise ValueError(f"{flag}={values[flag]!r}: use True or False")
        return cls(**values)

    def compile_kwargs(self) -> dict[str, Any]:
        return {"dynamic": True if self.dynamic is True else None, "fullgraph": self.fullgraph}

    def draws(self) -> tuple[str, ...]:
        """Input draws these settings add to a run's own."""
        return (RESIZED_DRAW,) if self.resize else ()

    @contextlib.contextmanager
    def dynamo_config(self) -> Iterator[None]:
        import torch._dynamo.config as dynamo_config

        flags = {
            "capture_scalar_outputs": self.capture_scalar_outputs,
            "capture_dynamic_output_shape_ops": self.capture_dynamic_output_shape_ops,
        }
        with dynamo_config.patch({key: True for key, on in flags.items() if on}):
            yield

    def mark(self, inputs: tuple) -> None:
        """``maybe_mark_dynamic`` dim 0 of every input tensor larger than 1 there (``dynamic=marked``)."""
        import torch

        if self.dynamic != "marked":
            return
        for value in inputs:
            if isinstance(value, torch.Tensor) and value.dim() >= 1 and value.shape[0] > 1:
                torch._dynamo.maybe_mark_dynamic(value, 0)


def fullgraph_refusal(settings: CompileSettings, error: BaseException) -> str | None:
    """The first line of Dynamo's refusal when ``error`` is a graph break these settings forbid
    (``fullgraph=True``), else None."""
    if not (settings.fullgraph and is_graph_break(error)):
        return None
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def invalid_under_fullgraph(refusal: str, seconds: float) -> Verdict:
    """The verdict of a program whose graph break its own settings forbid: not the compiler's."""
    return Verdict(
        Outcome.INVALID,
        f"the program has a graph break, and its settings ask for fullgraph=True ({refusal})"[:400],
        seconds=seconds,
    )


def is_graph_break(error: BaseException) -> bool:
    """Dynamo refusing a graph break under ``fullgraph=True``."""
    from torch._dynamo.exc import Unsupported

    return isinstance(error, Unsupported)
