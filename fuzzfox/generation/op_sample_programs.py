"""Programs that call a decomposition's or a lowering's own op, as PyTorch's OpInfo samples do.

The catalog records, for each op of Inductor's decomposition and lowering tables, a few calls its
OpInfo samples make (:mod:`~fuzzfox.targets.torch.op_samples`): the call's text and a spec per
tensor argument.  A program here is one such call, ``torch.ops.aten.<op>.<overload>(...)``, on
inputs made to the specs: float tensors drawn fresh (in ``[0, high)`` where the sample's were
non-negative, so a probability stays one), integer and bool tensors as recorded (indices stay in
range).  A call whose OpInfo PyTorch does not gradcheck gets ``oracle: values``.  Calling the
overload itself reaches the table entry whatever Python API would spell it.

The first program is the first recorded call; the others are the rest in an order drawn from the
seed.  Nothing here imports a framework: the programs are text, written in the campaign process.
"""

from __future__ import annotations

import random
from typing import Any

from fuzzfox.generation.pattern_variants import header
from fuzzfox.program import Program, ProgramError, parse_program
from fuzzfox.whitebox.optimization import Optimization

ORIGIN = "opinfo"
# PyTorch's own gradcheck skips (or expects to fail on) the OpInfo the call came from.
GRADIENTS_UNDEFINED = "# oracle: values"


def can_write(optimization: Optimization) -> bool:
    return bool((optimization.recipe or {}).get("calls"))


def op_sample_programs(optimization: Optimization, seed: int, count: int) -> list[Program]:
    """Up to ``count`` distinct programs, one recorded call each (the first recorded call first)."""
    calls: list[dict[str, Any]] = (optimization.recipe or {}).get("calls") or []
    rest = list(range(1, len(calls)))
    random.Random(seed).shuffle(rest)
    written: dict[str, Program] = {}
    for index in [0, *rest][: max(0, count)] if calls else []:
        program = _program(optimization, calls[index])
        if program is not None:
            written.setdefault(program.id, program)
    return list(written.values())


def _program(optimization: Optimization, call: dict[str, Any]) -> Program | None:
    names = [f"x{number}" for number in range(len(call["inputs"]))]
    try:
        expression = call["call"].format(*names)
    except (IndexError, KeyError, ValueError):
        return None
    op = expression.split("(", 1)[0].removeprefix("torch.ops.")
    made = [_tensor(spec) for spec in call["inputs"]]
    lines = [
        *header(optimization.id, origin=ORIGIN),
        *([] if call.get("gradients", True) else [GRADIENTS_UNDEFINED]),
        f"# description: {op} called as an OpInfo sample of PyTorch's tests calls it, so that "
        f"{optimization.id} ({optimization.file}) handles it",
        "import torch",
        "",
        "",
        f"def fn({', '.join(names)}):",
        f"    return {expression}",
        "",
        "",
        "def make_inputs():",
        f"    return ({''.join(f'{m}, ' for m in made)})",
        "",
    ]
    try:
        return parse_program("\n".join(lines))
    except ProgramError:
        return None


def _tensor(spec: dict[str, Any]) -> str:
    """Source that makes a tensor to ``spec``: drawn if it is floating, as recorded otherwise."""
    shape = [int(size) for size in spec["shape"]]
    dtype = f"torch.{spec['dtype']}"
    if "values" in spec:
        values = spec["values"]
        if not shape:
            return f"torch.tensor({values[0]!r}, dtype={dtype})"
        return f"torch.tensor({values!r}, dtype={dtype}).reshape({', '.join(map(str, shape))})"
    sizes = ", ".join(map(str, shape)) if shape else "()"
    typed = "" if spec["dtype"] == "float32" else f", dtype={dtype}"
    if "high" in spec:
        high = float(spec["high"])
        return f"torch.rand({sizes}{typed})" + ("" if high == 1.0 else f" * {high!r}")
    return f"torch.randn({sizes}{typed})"
