"""Recorded calls of aten ops, from PyTorch's own OpInfo sample inputs, for the per-op tables.

A decomposition or a lowering (:mod:`~fuzzfox.targets.torch.tables`) is reached by a program that
calls its op.  Which arguments an op accepts is what PyTorch's OpInfo database
(``torch.testing._internal.common_methods_invocations.op_db``) knows best: each OpInfo gives
sample inputs its own tests run.  Here the first samples of every OpInfo run once eagerly under
a dispatch mode that sees the aten calls they make, and for each op of the tables a few distinct
calls are kept as *recipes* (those giving argument values no kept call gives first): the call's
text with ``{0}``, ``{1}``... where its tensor arguments go, and one spec per tensor (shape,
dtype, and the values where they matter).
:mod:`~fuzzfox.generation.op_sample_programs` writes programs from them without importing torch.

A call from an OpInfo whose gradcheck PyTorch skips, expects to fail, or never runs (the OpInfo
supports no autograd) is marked ``"gradients": False``: its programs are judged on values only.

Left out: backward ops (see :func:`recorded_calls`), random ops (``nondeterministic_seeded``:
eager and compiled draw differently), calls whose arguments are not plain CPU tensors of a real
dtype and Python values, calls that return anything but tensors, ``out=`` calls.
Imports torch: call only in the extractor's subprocess.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Iterable
from typing import Any

from fuzzfox.generation.op_sample_programs import argument_values, call_signature, distinct_calls

SAMPLES_PER_OPINFO = 32  # of each dtype, in the OpInfo's own order (its simplest come first)
CALLS_PER_OP = 6  # recorded calls kept per op, those giving unseen argument values first
SEEN_PER_OP = 24  # distinct calls (text and dtypes) looked at per op before choosing
SIZES_PER_CALL = 3  # of each distinct call, the sizes looked at
MAX_ELEMENTS = 4096  # per tensor argument, so a program stays quick
MAX_LITERAL = 256  # integer and bool tensors up to this many elements are written out in full
DTYPES = ("float32", "int64", "bool")  # the sample dtypes tried, where the OpInfo supports them
Domain = tuple[float | None, float | None]  # an OpInfo's input domain, None where unbounded


class Unwritable(Exception):
    """A call argument no program can spell."""


def recorded_calls(wanted: set[str]) -> dict[str, list[dict[str, Any]]]:
    """For each op packet name in ``wanted`` (``aten.lerp``) that a sample calls, up to
    :data:`CALLS_PER_OP` recipes ``{"call": str, "inputs": [spec, ...]}``; empty when the OpInfo
    database cannot be imported (it needs ``expecttest``)."""
    try:
        from torch.testing._internal.common_methods_invocations import op_db
    except ImportError as error:
        warnings.warn(f"no op samples: the OpInfo database does not import ({error})", stacklevel=1)
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    # A backward op called on drawn inputs is fed a gradient, saved statistics or a total weight
    # no forward computed (a total weight of 0 is undefined behaviour, not a bug); programs reach
    # it as Inductor does, through the backward of its forward op, under the gradient oracle.
    recorder = _recorder_class()({name for name in wanted if "backward" not in name}, found)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for opinfo in op_db:
            recorder.gradients_tested = _gradients_tested(opinfo)
            recorder.domain = getattr(opinfo, "domain", None) or (None, None)
            for sample in _samples(opinfo):
                _run(opinfo, sample, recorder)
    return {name: _chosen(calls) for name, calls in found.items() if calls}


def _chosen(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Up to :data:`CALLS_PER_OP` of an op's calls: the first recorded, then one at a time the call
    that gives the most argument values no kept call gives (an overload, a dtype, ``beta=5.0``, a
    ``reduction`` of 0, ``include_self=False``: :func:`argument_values`), ties in recorded order.

    An OpInfo's first samples are its simplest, written with the defaults; decompositions and
    lowerings branch on the other values (a ``beta`` that is not 1, a negative ``decimals``), so
    the kept calls spread over them rather than repeat the defaults at other sizes.  Calls alike
    but for sizes are stood for by the first whose tensors hold elements: OpInfos often try a
    call on an empty tensor first (``roll``'s samples give each shift on a 0x0x0 tensor, then on
    a 5x5x5 one), and a program on empty tensors checks no value."""
    candidates = distinct_calls(calls)
    standing = {id(call) for call in candidates}
    repeats = [call for call in calls if id(call) not in standing]
    values = {id(call): argument_values(call) for call in candidates}
    kept: list[dict[str, Any]] = []
    covered: set[tuple[str, str]] = set()
    while candidates and len(kept) < CALLS_PER_OP:
        best = max(candidates, key=lambda call: len(values[id(call)] - covered)) if kept else candidates[0]
        kept.append(best)
        candidates.remove(best)
        covered |= values[id(best)]
    return [*kept, *repeats][:CALLS_PER_OP]


def _samples(opinfo: Any) -> Iterable[Any]:
    import torch

    for name in DTYPES:
        dtype = getattr(torch, name)
        try:
            if dtype in opinfo.supported_dtypes("cpu"):
                yield from itertools.islice(opinfo.sample_inputs("cpu", dtype), SAMPLES_PER_OPINFO)
        except Exception:  # a sample generator that fails here is skipped
            continue


# PyTorch's gradcheck tests of an OpInfo's samples, reverse and forward mode, as they run on CPU.
GRADIENT_TESTS = (("TestBwdGradients", "test_fn_grad"), ("TestFwdGradients", "test_forward_mode_AD"))


def _gradients_tested(opinfo: Any) -> bool:
    """Whether PyTorch's own gradcheck runs this OpInfo's samples and expects them to pass.  An
    OpInfo that skips it or expects it to fail says its samples' gradients are no test: indices
    that repeat (``max_unpool``'s samples come from overlapping pools), statistics outputs that
    autograd does not carry, formulas known wrong (``as_strided_scatter``).  An OpInfo that says
    it does not support autograd (``heaviside``, ``igamma``, the Bessel functions) has no
    gradcheck at all: a program calling it has no reverse mode."""
    import torch

    if not getattr(opinfo, "supports_autograd", True):
        return False
    return not any(
        decorator.is_active(cls_name, test_name, "cpu", torch.float64, {})
        for decorator in getattr(opinfo, "decorators", ())
        if hasattr(decorator, "is_active")
        for cls_name, test_name in GRADIENT_TESTS
    )


def _run(opinfo: Any, sample: Any, recorder: Any) -> None:
    try:
        with recorder:
            opinfo.op(sample.input, *sample.args, **sample.kwargs)
    except Exception:  # a sample its own op rejects records nothing more
        return


def _flat(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _flat(item)]
    return [value]


def _recorder_class() -> type:
    from torch.utils._python_dispatch import TorchDispatchMode

    class Recorder(TorchDispatchMode):
        """Keeps the first distinct writable calls of the wanted ops."""

        def __init__(self, wanted: set[str], found: dict[str, list[dict[str, Any]]]) -> None:
            super().__init__()
            self.wanted = wanted
            self.found = found
            self.gradients_tested = True  # of the OpInfo whose samples run now
            self.domain: Domain = (None, None)  # and its input domain

        def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
            kwargs = kwargs or {}
            result = func(*args, **kwargs)
            name = str(func._overloadpacket)
            kept = self.found.setdefault(name, []) if name in self.wanted else None
            if kept is not None and _writable_call(func, kwargs, result):
                try:
                    recipe = _recipe(func, args, kwargs, self.domain)
                except Unwritable:
                    return result
                if not self.gradients_tested:
                    recipe["gradients"] = False
                _look_at(kept, recipe)
            return result

    return Recorder


def _look_at(kept: list[dict[str, Any]], recipe: dict[str, Any]) -> None:
    """Keep ``recipe`` among an op's calls looked at: up to :data:`SEEN_PER_OP` distinct calls,
    each in up to :data:`SIZES_PER_CALL` sizes.

    Counted by distinct call, not by recipe: ``aten.div`` is called by the samples of dozens of
    OpInfos before ``div``'s own, and 24 recipes of ``div.Tensor(a, b)`` in as many sizes used to
    fill an op's places before its ``rounding_mode='floor'`` overload was ever seen."""
    if recipe in kept:
        return
    signature = call_signature(recipe)
    alike = sum(call_signature(call) == signature for call in kept)
    if alike >= SIZES_PER_CALL or (not alike and len({call_signature(call) for call in kept}) >= SEEN_PER_OP):
        return
    kept.append(recipe)


def _writable_call(func: Any, kwargs: dict[str, Any], result: Any) -> bool:
    import torch

    if torch.Tag.nondeterministic_seeded in func.tags or "out" in kwargs:
        return False
    return all(isinstance(leaf, torch.Tensor) for leaf in _flat(result)) and bool(_flat(result))


def _recipe(func: Any, args: Any, kwargs: dict[str, Any], domain: Domain = (None, None)) -> dict[str, Any]:
    inputs: list[dict[str, Any]] = []
    seen: dict[int, int] = {}
    written = [_code(a, inputs, seen, domain) for a in args]
    written += [f"{key}={_code(value, inputs, seen, domain)}" for key, value in kwargs.items()]
    return {"call": f"torch.ops.{func}({', '.join(written)})", "inputs": inputs}


def _code(value: Any, inputs: list[dict[str, Any]], seen: dict[int, int], domain: Domain) -> str:
    """Python source for one argument; a tensor becomes ``{i}``, its spec appended to ``inputs``."""
    import torch

    if isinstance(value, torch.Tensor):
        if id(value) not in seen:
            seen[id(value)] = len(inputs)
            inputs.append(_tensor_spec(value, domain))
        return "{" + str(seen[id(value)]) + "}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_code(item, inputs, seen, domain) for item in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    if isinstance(value, float) and not math.isfinite(value):
        return f"float('{value}')"
    if value is None or isinstance(value, (bool, int, float, str)):
        return repr(value)
    if isinstance(value, (torch.dtype, torch.memory_format, torch.layout)):
        return str(value)
    if isinstance(value, torch.device) and value.type == "cpu":
        return "'cpu'"
    raise Unwritable(type(value).__name__)


def _tensor_spec(tensor: Any, domain: Domain = (None, None)) -> dict[str, Any]:
    """Shape and dtype; the values too for an integer or bool tensor (indices must stay in range)
    and the range of a float one (a probability stays in [0, 1], a log's argument positive): the
    OpInfo's input ``domain`` where the sample lies in it (``asin`` in (-1, 1), ``acosh`` from 1),
    else ``[0, max)`` where the sample is non-negative."""
    import torch

    dtype = str(tensor.dtype).removeprefix("torch.")
    if tensor.device.type != "cpu" or tensor.layout != torch.strided or tensor.is_quantized:
        raise Unwritable("not a dense CPU tensor")
    if tensor.numel() > MAX_ELEMENTS or tensor.is_complex() or dtype not in _DTYPE_NAMES:
        raise Unwritable(f"{dtype} tensor of {tensor.numel()} elements")
    spec: dict[str, Any] = {"shape": list(tensor.shape), "dtype": dtype}
    values = tensor.detach()
    if tensor.dtype.is_floating_point:
        finite = values.numel() and bool(torch.isfinite(values).all())
        low, high = domain
        if finite and _within(values, domain) and (low is not None or high is not None):
            spec["low"] = float(low) if low is not None else round(float(values.min()), 4)
            spec["high"] = float(high) if high is not None else round(float(values.max()), 4)
        elif finite and float(values.min()) >= 0:
            spec["high"] = round(max(float(values.max()), 1e-3), 4)  # drawn in [0, high)
    elif values.numel() > MAX_LITERAL:
        raise Unwritable("an integer tensor too large to write out")
    else:
        spec["values"] = values.flatten().tolist()
    return spec


def _within(values: Any, domain: Domain) -> bool:
    low, high = domain
    return (low is None or float(values.min()) >= low) and (high is None or float(values.max()) <= high)


_DTYPE_NAMES = frozenset(
    {"float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"}
)
