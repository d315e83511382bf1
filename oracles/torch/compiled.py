"""The compiled-vs-eager oracle for torch.compile.

One program is run eagerly (as written), re-run eagerly to catch non-determinism, run in
float64 as the referee, then under each compiled backend in order (``aot_eager`` first: it
shares Dynamo and AOTAutograd with Inductor but generates no code, so a failure there points at
the front end, and one only under ``inductor`` points at Inductor).  Every run rebuilds the model
and inputs from the same seed, so in-place mutation in one run cannot leak into the next, and
inputs after the run are compared too (they are observable).  Inductor's ``fallback_random``
makes RNG ops in compiled code draw what eager draws.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

from oracles import boundary, instability, rounding
from oracles.compare import Leaf, flatten, text_leaf
from oracles.judge import (
    OracleOptions,
    Run,
    eager_runs,
    exception_info,
    failed_compiled_run,
    judge,
    judge_draws,
    judged_leaf,
)
from oracles.phases import PhaseLog
from oracles.torch import FRONTEND_LAYERS, rounding_noise
from oracles.torch.compile_settings import CompileSettings, fullgraph_refusal, invalid_under_fullgraph
from oracles.verdict import ModeResult, Outcome, Symptom, Verdict

DEFAULT_BACKENDS = ("aot_eager", "inductor")


@dataclasses.dataclass
class TorchProgram:
    """What the oracle needs from a test program (module or plain function)."""

    build_model: Callable[[], Callable[..., Any]]
    make_inputs: Callable[[], Any]
    mode: str = "inference"  # "inference": under no_grad; "training": grad enabled
    config: dict[str, Any] = dataclasses.field(default_factory=dict)  # inductor config patch
    constants: tuple[float, ...] = ()  # the program's numeric literals, for the "constants" draw
    compile: CompileSettings = dataclasses.field(default_factory=CompileSettings)  # its "# compile:"


@dataclasses.dataclass
class TorchOracleOptions(OracleOptions):
    backends: tuple[str, ...] = DEFAULT_BACKENDS


def check(program: TorchProgram, options: TorchOracleOptions, phases: PhaseLog | None = None) -> Verdict:
    """Judge one program; raises nothing the program raises (that becomes the verdict)."""
    import torch

    phases = phases or PhaseLog()
    started = time.monotonic()
    casts: list[str] = []
    draws = options.draws + program.compile.draws()
    eager, reruns, fp64 = eager_runs(
        lambda fp64, name: _run_eager(
            program,
            options.seed,
            fp64=fp64,
            casts=casts if name == "eager" else None,
            name=name,
            draws=() if name == "eager-rerun" else draws,
        ),
        options.eager_reruns,
        phases,
    )
    try:
        compiled = [_run_compiled(program, options.seed, name, phases, draws) for name in options.backends]
    except GraphBreakUnderFullgraph as refusal:
        torch._dynamo.reset()
        return invalid_under_fullgraph(str(refusal), time.monotonic() - started)
    precision = lowest_precision(casts)
    verdict = judge(eager, reruns, fp64, compiled, precision, layers=FRONTEND_LAYERS)
    if verdict.outcome is Outcome.PASS and draws:
        verdict = (
            judge_draws(draws, eager, reruns, fp64, compiled, precision, layers=FRONTEND_LAYERS) or verdict
        )
    if verdict.outcome is Outcome.BUG and verdict.symptom is Symptom.WRONG_VALUE and casts:
        verdict = _recheck_with_emulated_casts(program, options, phases, eager, fp64, verdict, casts, draws)
    if verdict.outcome is Outcome.BUG and verdict.symptom is Symptom.WRONG_VALUE and fp64 is not None:
        verdict = _recheck_rounding(program, options.seed, eager, fp64, verdict, draws, precision)
    verdict.seconds = time.monotonic() - started
    torch._dynamo.reset()
    return verdict


def draw_inputs(
    program: TorchProgram, seed: int, draws: tuple[str, ...], fp64: bool
) -> list[tuple | Exception]:
    """Each draw's inputs (or what building them raised), made like the recorded ones: outside
    any float64 default dtype or dispatch mode, from the same seed."""
    import torch

    made: list[tuple | Exception] = []
    for index, draw in enumerate(draws):
        try:
            torch.manual_seed(seed)
            inputs = boundary.draw_inputs(
                _as_tuple(program.make_inputs()), draw, seed + index, program.constants
            )
            made.append(tuple(_to_fp64(value) for value in inputs) if fp64 else inputs)
        except Exception as error:
            made.append(error)
    torch.manual_seed(seed)  # as _build leaves it: the recorded run draws what it drew before
    return made


def _draw_runs(
    call: Callable[[tuple], Any], inputs: list[tuple | Exception], seed: int, name: str
) -> list[Run]:
    """``call`` (the model already built, compiled or not) on each draw's inputs, in order."""
    import torch

    runs = []
    for index, drawn in enumerate(inputs):
        started = time.monotonic()
        try:
            if isinstance(drawn, Exception):
                raise drawn
            torch.manual_seed(seed + 1 + index)
            output = call(drawn)
            leaves = to_leaves(output, "out") + to_leaves(drawn, "input")
        except Exception as error:
            runs.append(
                Run(ModeResult(name, False, time.monotonic() - started, exception=exception_info(error)))
            )
            continue
        runs.append(Run(ModeResult(name, True, time.monotonic() - started), leaves))
    return runs


def _as_tuple(inputs: Any) -> tuple:
    return tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)


def _recheck_with_emulated_casts(
    program: TorchProgram,
    options: TorchOracleOptions,
    phases: PhaseLog,
    eager: Run,
    fp64: Run | None,
    verdict: Verdict,
    casts: list[str],
    draws: tuple[str, ...],
) -> Verdict:
    """Fusion may drop an fp16/bf16 round trip that eager performs (a known non-bug).

    If the mismatch disappears when Inductor is told to keep those round trips (on the recorded
    inputs and every draw the verdict was judged on), drop it.
    """
    emulated = dataclasses.replace(program, config={**program.config, "emulate_precision_casts": True})
    rerun = _run_compiled(emulated, options.seed, verdict.backend or "inductor", phases, draws)
    precision = lowest_precision(casts)
    again = judge(eager, [], fp64, [rerun], precision, layers=FRONTEND_LAYERS)
    if again.outcome is Outcome.PASS and draws:
        again = judge_draws(draws, eager, [], fp64, [rerun], precision, layers=FRONTEND_LAYERS) or again
    if again.outcome is Outcome.PASS:
        verdict.outcome = Outcome.DROPPED
        verdict.drop_rule = instability.PRECISION_CAST
        verdict.summary += f" (gone with emulate_precision_casts; casts: {', '.join(casts[:3])})"
    return verdict


def _recheck_rounding(
    program: TorchProgram,
    seed: int,
    eager: Run,
    fp64: Run,
    verdict: Verdict,
    draws: tuple[str, ...],
    precision: str | None,
) -> Verdict:
    """Drop a compiled value whose error is within what rounding does to this computation
    (:mod:`oracles.rounding`), on the inputs (recorded or drawn) the verdict was judged on."""

    def leaf(run: Run) -> Leaf | None:
        return judged_leaf(run, verdict, draws)

    reference, computed = leaf(fp64), leaf(eager)
    if reference is None or computed is None or verdict.rmse_compiled_vs_fp64 is None:
        return verdict

    def noisy() -> Any:
        found = leaf(_run_eager(program, seed, fp64=True, draws=draws))
        return None if found is None else found.values

    unit = rounding.unit_roundoff(computed.dtype, precision)
    assert reference.values is not None
    spread = rounding.rounding_spread(noisy, reference.values, unit, rounding_noise.rounding_noise)
    return rounding.drop_within_rounding(verdict, spread, reference.values)


@contextlib.contextmanager
def _grad_mode(mode: str) -> Iterator[None]:
    import torch

    with torch.no_grad() if mode == "inference" else contextlib.nullcontext():
        yield


def _build(program: TorchProgram, seed: int, fp64: bool) -> tuple[Callable[..., Any], tuple]:
    import torch

    torch.manual_seed(seed)
    random.seed(seed)
    model = program.build_model()
    torch.manual_seed(seed)
    inputs = _as_tuple(program.make_inputs())
    if fp64:
        if isinstance(model, torch.nn.Module):
            model = model.to(torch.float64)
        inputs = tuple(_to_fp64(value) for value in inputs)
    torch.manual_seed(seed)
    return model, inputs


def _to_fp64(value: Any) -> Any:
    import torch

    if isinstance(value, torch.Tensor) and value.is_floating_point():
        return value.to(torch.float64)
    if isinstance(value, torch.Tensor) and value.is_complex():
        return value.to(torch.complex128)
    if isinstance(value, (list, tuple)):
        return type(value)(_to_fp64(v) for v in value)
    return value


def _run_eager(
    program: TorchProgram,
    seed: int,
    fp64: bool,
    casts: list[str] | None = None,
    name: str = "eager",
    draws: tuple[str, ...] = (),
) -> Run:
    import torch

    name = "eager-fp64" if fp64 else name
    started = time.monotonic()
    previous = torch.get_default_dtype()
    try:
        model, inputs = _build(program, seed, fp64)
        drawn_inputs = draw_inputs(program, seed, draws, fp64)
        torch.set_default_dtype(torch.float64 if fp64 else previous)
        lifted = lifted_casts() if fp64 else contextlib.nullcontext()
        with _grad_mode(program.mode), _cast_recorder(casts), lifted:
            output = model(*inputs)
            leaves = to_leaves(output, "out") + to_leaves(inputs, "input")
            seconds = time.monotonic() - started
            drawn = _draw_runs(lambda args: model(*args), drawn_inputs, seed, name)
    except Exception as error:
        return Run(ModeResult(name, False, time.monotonic() - started, exception=exception_info(error)))
    finally:
        torch.set_default_dtype(previous)
    return Run(ModeResult(name, True, seconds), leaves, drawn)


def _run_compiled(
    program: TorchProgram, seed: int, backend: str, phases: PhaseLog, draws: tuple[str, ...] = ()
) -> Run:
    """Compile once, run on the recorded inputs, then on each input draw (no recompile: the
    draws keep every shape, dtype and layout)."""
    import torch
    import torch._inductor.config as inductor_config

    started = time.monotonic()
    torch._dynamo.reset()
    try:
        model, inputs = _build(program, seed, fp64=False)
        drawn_inputs = draw_inputs(program, seed, draws, fp64=False)
        phases.enter(f"{backend}:trace")
        settings = program.compile
        with inductor_config.patch(program.config), settings.dynamo_config():
            staged = staged_backend(backend, phases)
            compiled = torch.compile(model, backend=staged, **settings.compile_kwargs())
            settings.mark(inputs)
            with _grad_mode(program.mode):
                output = compiled(*inputs)
                leaves = to_leaves(output, "out") + to_leaves(inputs, "input")
                seconds = time.monotonic() - started
                drawn = _draw_runs(lambda args: compiled(*args), drawn_inputs, seed, backend)
    except Exception as error:
        if (refusal := fullgraph_refusal(program.compile, error)) is not None:
            raise GraphBreakUnderFullgraph(refusal) from error
        return failed_compiled_run(backend, started, phases, error)
    return Run(ModeResult(backend, True, seconds), leaves, drawn)


class GraphBreakUnderFullgraph(Exception):
    """The settings do not fit the program: not a verdict on the compiler."""


def staged_backend(name: str, phases: PhaseLog) -> Callable[..., Any]:
    """Wrap a Dynamo backend so the phase log knows compiling from running compiled code."""
    inner = resolve_backend(name)

    def backend(graph_module: Any, example_inputs: list[Any]) -> Callable[..., Any]:
        phases.enter(f"{name}:compile")
        compiled = inner(graph_module, example_inputs)
        phases.enter(f"{name}:execute")

        def run(*args: Any) -> Any:
            phases.enter(f"{name}:execute")
            return compiled(*args)

        run._boxed_call = getattr(compiled, "_boxed_call", False)  # type: ignore[attr-defined]
        return run

    return backend


def resolve_backend(name: str) -> Callable[..., Any]:
    """A Dynamo backend by name: a registered one, or one of our faulty testing backends."""
    from oracles.torch.faulty_backends import FAULTY_BACKENDS

    if name in FAULTY_BACKENDS:
        return FAULTY_BACKENDS[name]
    from torch._dynamo import lookup_backend

    return lookup_backend(name)


def known_backends() -> list[str]:
    from torch._dynamo import list_backends

    from oracles.torch.faulty_backends import FAULTY_BACKENDS

    return sorted({"aot_eager", "eager", *list_backends(exclude_tags=()), *FAULTY_BACKENDS})


@contextlib.contextmanager
def _cast_recorder(casts: list[str] | None) -> Iterator[None]:
    """Record float casts (``float32->float16``, ``float32->float64``...) during an eager run: a
    down-cast lowers the precision the outputs carry, and so does computing in float32 and then
    casting up (a float64 output of a float32 ``layer_norm`` is a float32 result)."""
    if casts is None:
        yield
        return
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode

    def float_dtypes(values: Any) -> set[torch.dtype]:
        flat = values if isinstance(values, (list, tuple)) else [values]
        return {v.dtype for v in flat if isinstance(v, torch.Tensor) and v.is_floating_point()}

    class CastRecorder(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
            result = func(*args, **(kwargs or {}))
            if func.__name__.split(".")[0] in {"_to_copy", "to", "convert_element_type", "copy_"}:
                sources = float_dtypes(list(args))
                targets = float_dtypes(result)
                for source in sources:
                    for target in targets:
                        if target != source:
                            casts.append(f"{source}->{target}".replace("torch.", ""))
            return result

    with CastRecorder():
        yield


def lowest_precision(casts: list[str]) -> str | None:
    """The lowest float precision on either side of the casts an eager run made: the target of a
    down-cast (``float32->float16``), the source of an up-cast (``float32->float64``)."""
    from oracles.compare import FLOAT_TOLERANCES

    sides = [side for cast in casts for side in cast.split("->") if side in FLOAT_TOLERANCES]
    return max(sides, key=lambda dtype: FLOAT_TOLERANCES[dtype][0], default=None)


@contextlib.contextmanager
def lifted_casts() -> Iterator[None]:
    """Keep the referee in float64: an op asked for a lower float precision (``x.half()``,
    ``x.to(torch.float32)``, ``torch.zeros(..., dtype=torch.bfloat16)``, ``sum(dtype=...)``) gets
    float64 (complex128) instead.

    Without this the float64 run rounds where the program rounds, so it equals eager bit for bit
    and says nothing about eager's own error (a degenerate referee), or it mixes float64 with
    float16 operands and fails (no referee at all).  Only a ``dtype=`` keyword is lifted: a
    positional dtype is a reinterpretation (``view(dtype)``), which must keep its width.
    """
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode

    lifted = {
        torch.float16: torch.float64,
        torch.bfloat16: torch.float64,
        torch.float32: torch.float64,
        torch.complex32: torch.complex128,
        torch.complex64: torch.complex128,
    }

    class CastLifter(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
            kwargs = kwargs or {}
            if kwargs.get("dtype") in lifted:
                kwargs = {**kwargs, "dtype": lifted[kwargs["dtype"]]}
            if func.namespace == "quantized_decomposed":
                args, kwargs = _quantized_in_float64(func.__name__, tuple(args), kwargs)
            return func(*args, **kwargs)

    with CastLifter():
        yield


def _quantized_in_float64(name: str, args: tuple, kwargs: dict[str, Any]) -> tuple[tuple, dict[str, Any]]:
    """The PT2E quantize/dequantize ops in the float64 referee: a dequantize yields float64 (its
    default is float32, which then meets the program's float64 weights), and a quantize, whose
    kernels accept float32 at most, gets its float64 input in float32: that rounding (2**-24) is
    far below the quantization step, so the referee's integers are still the true ones."""
    import torch

    if name.startswith("dequantize_") and kwargs.get("out_dtype") in (None, torch.float32):
        return args, {**kwargs, "out_dtype": torch.float64}
    first = args[0] if args else None
    if name.startswith("quantize_") and isinstance(first, torch.Tensor) and first.dtype == torch.float64:
        return (first.to(torch.float32), *args[1:]), kwargs
    return args, kwargs


def to_leaves(value: Any, path: str) -> list[Leaf]:
    """Flatten outputs (tensors, scalars, nested tuples/lists/dicts) into comparable leaves."""
    return flatten(value, path, _tensor_leaf)


def _tensor_leaf(value: Any, path: str) -> Leaf | None:
    """A tensor's leaf; a ``torch.Size`` (a tuple) or a ``SymInt`` is compared as text."""
    import torch
    from torch.utils._python_dispatch import _disable_current_modes

    if isinstance(value, torch.Size | torch.SymInt):
        return text_leaf(value, path)
    if not isinstance(value, torch.Tensor):
        return None
    tensor = value.detach()
    if tensor.is_sparse:
        tensor = tensor.to_dense()
    if tensor.is_quantized:
        tensor = tensor.dequantize()
    dtype = str(value.dtype).removeprefix("torch.")
    # Our own conversions are no casts of the program: outside the recorder and the lifter.
    with _disable_current_modes():
        if tensor.is_complex():
            array = tensor.to(torch.complex128).cpu().numpy()
        elif tensor.is_floating_point():
            array = tensor.to(torch.float64).cpu().numpy()
        elif tensor.dtype == torch.bool:
            array = tensor.cpu().numpy()
        else:
            array = tensor.to(torch.int64).cpu().numpy()
    return Leaf(path, dtype, tuple(value.shape), array)
