"""The gradient oracle for torch programs: :class:`TorchGradients` feeds :mod:`oracles.gradcheck`.

What is differentiated, and what is not:

- ``x`` is the real floating-point tensors among ``make_inputs()``'s values (nested lists, tuples
  and dicts are walked in the values oracle's leaf order and named like its leaves:
  ``input[0]``, ``input[1][0]``).  Integer, bool and complex inputs are constants, and so is a
  floating input that reaches an argument an op declares non-differentiable (autograd raises for
  it: ``fractional_max_pool2d``'s random samples, ``soft_margin_loss``'s target).
- A ``Model``'s parameters and buffers stay fixed: they are constants of ``L``, not inputs (their
  ``requires_grad`` is turned off), so a campaign compares gradients with respect to the data.
- ``L = sum_k sum(w_k * out_k)`` over the floating output tensors, each upcast to float64 before
  weighting (outside the compiled region, so eager and compiled see the same ``dL/dout``);
  ``w_k`` is float64 N(0, 1) drawn from ``(seed, k)``.  Complex outputs enter through their real
  and imaginary parts, each with its own weights.  Integer and bool outputs (and Python numbers)
  carry no gradient and are skipped.
- Every evaluation rebuilds the model and inputs from the seed and reseeds the RNG (so dropout
  draws the same mask in every mode), and runs with grad enabled: an ``inference`` program is
  differentiated anyway.  A differentiable input reaches the program as a clone of the leaf
  tensor, so in-place ops on inputs stay differentiable.
- ``fp64=True`` casts the model and inputs to float64, makes float64 the default dtype, and lifts
  the casts the program asks for (``.float()``, ``.half()``, ``.to(torch.bfloat16)``) to float64,
  as the values referee does.  The first such evaluation looks for ops that still turn float64
  tensors into lower-precision floats; a program with one is not really evaluated in float64,
  so every ``fp64=True`` method raises :class:`~oracles.gradcheck.PrecisionLimited`.
- A program that stops gradients flowing from its inputs (``Tensor.detach``, ``.data``,
  ``.item()``/``.tolist()``/``float()`` fed back in, a ``torch.no_grad`` or ``inference_mode``
  block in its forward, a PT2E quantize op) is differentiated by autodiff with those values
  constant, while central differences move them: ``skip_numeric`` says so (one extra eager forward under a
  torch-function mode finds them) and the core compares no autodiff value with central
  differences.  Torch's forward-mode AD ignores ``no_grad``, so after such a block
  ``skip_forward`` leaves forward mode out too; reverse against the compiled reverse stays.
- The compiled gradient is ``torch.compile(model, backend=...)`` on the forward, with backward
  through AOTAutograd's compiled backward graph (grad enabled at trace time, so Dynamo hands the
  backend a training graph).  Phases ``B:compile`` and ``B:execute`` say where it died.  It is
  compiled under the program's ``# compile:`` settings as the values oracle compiles it
  (symbolic sizes give a symbolic backward graph); a graph break under ``fullgraph=True`` makes
  the run invalid for those settings.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from oracles import instability, rounding
from oracles.gradcheck import GradOptions, ModeNotImplemented, PrecisionLimited, check_gradients
from oracles.judge import exception_info
from oracles.phases import PhaseLog
from oracles.torch import rounding_noise
from oracles.torch.compile_settings import fullgraph_refusal, invalid_under_fullgraph
from oracles.torch.compiled import TorchProgram, _build, lifted_casts, staged_backend
from oracles.verdict import Outcome, Verdict


def check(
    program: TorchProgram,
    backend: str,
    seed: int = 0,
    phases: PhaseLog | None = None,
    options: GradOptions | None = None,
) -> Verdict:
    """Judge one program's gradients (eager modes, numbers, and ``backend``'s compiled gradient)."""
    import torch

    phases = phases or PhaseLog()
    started = time.monotonic()
    options = options or GradOptions(seed=seed)
    phases.enter("grad:load")
    try:
        functions = TorchGradients(program, backend, seed, phases)
    except Exception as error:
        info = exception_info(error)
        return Verdict(
            Outcome.INVALID,
            f"the program's inputs cannot be built ({info.type}: {info.message[:200]})",
            exception=info,
            seconds=time.monotonic() - started,
        )
    try:
        verdict = check_gradients(functions, functions.initial_point(), options, phases)
        if functions.held_constant:
            verdict.summary += (
                f" ({', '.join(functions.held_constant)} held constant: an op does not differentiate it)"
            )
        if functions.graph_break is not None:
            return invalid_under_fullgraph(functions.graph_break, time.monotonic() - started)
        if _compiled_gradient_off_after_a_narrowing_cast(verdict, functions):
            verdict = _recheck_with_emulated_casts(program, backend, seed, phases, options, verdict)
        if verdict.outcome is Outcome.BUG and verdict.backend == "compiled-reverse":
            verdict = _recheck_rounding(functions, verdict)
        return verdict
    finally:
        torch._dynamo.reset()


def _compiled_gradient_off_after_a_narrowing_cast(verdict: Verdict, functions: TorchGradients) -> bool:
    return (
        verdict.outcome is Outcome.BUG
        and verdict.backend == "compiled-reverse"
        and functions.narrowing_cast is not None
    )


def _recheck_rounding(functions: TorchGradients, verdict: Verdict) -> Verdict:
    """Drop a compiled gradient whose error is within what rounding does to this computation
    (:mod:`oracles.rounding`)."""
    names = [f"grad[{name}]" for name in functions.input_names]
    if verdict.leaf not in names or verdict.rmse_compiled_vs_fp64 is None:
        return verdict
    index = names.index(verdict.leaf)
    x = functions.initial_point()
    unit = rounding.unit_roundoff(*functions.input_dtypes)
    try:
        reference = functions.reverse(x, fp64=True)[index]
    except Exception:
        return verdict
    spread = rounding.rounding_spread(
        lambda: functions.reverse(x, fp64=True)[index], reference, unit, rounding_noise.rounding_noise
    )
    return rounding.drop_within_rounding(verdict, spread, reference)


def _recheck_with_emulated_casts(
    program: TorchProgram,
    backend: str,
    seed: int,
    phases: PhaseLog,
    options: GradOptions,
    verdict: Verdict,
) -> Verdict:
    """The gradients' side of the values oracle's ``precision_cast`` rule: fusion may drop an
    fp16/bf16 round trip that eager performs (a known non-bug), in the backward graph as in the
    forward.  If the compiled gradient's mismatch is gone when Inductor keeps those round trips,
    the finding is dropped."""
    import torch

    emulated = dataclasses.replace(program, config={**program.config, "emulate_precision_casts": True})
    torch._dynamo.reset()
    functions = TorchGradients(emulated, backend, seed, phases)
    recheck = check_gradients(functions, functions.initial_point(), options, phases)
    if recheck.outcome is Outcome.BUG and recheck.backend == "compiled-reverse":
        return verdict
    verdict.outcome = Outcome.DROPPED
    verdict.drop_rule = instability.PRECISION_CAST
    verdict.summary += " (gone with emulate_precision_casts)"
    return verdict


class TorchGradients:
    """A :class:`~oracles.gradcheck.GradientFunctions` for one torch program."""

    def __init__(self, program: TorchProgram, backend: str, seed: int, phases: PhaseLog) -> None:
        self.program = program
        self.compiler = backend
        self.seed = seed
        self.phases = phases
        _, inputs = _build(program, seed, fp64=False)
        self._slots = [(path, tensor) for path, tensor in _walk(inputs, "input") if _differentiable(tensor)]
        self.input_names = [path for path, _ in self._slots]  # the probe's forwards substitute by name
        self._carrying: set[int] | None = None  # see _carrying_outputs
        self._carrying_known = False
        self.held_constant = self._inputs_autograd_refuses()
        self._slots = [(path, tensor) for path, tensor in self._slots if path not in self.held_constant]
        self.input_names = [path for path, _ in self._slots]
        self.input_dtypes = [str(tensor.dtype).removeprefix("torch.") for _, tensor in self._slots]
        self.narrowing_cast: str | None = None  # the first float64 -> narrower cast seen, if any
        self._precision_checked = False
        self._stops: _GradientStops | None = None
        self.graph_break: str | None = None  # set when fullgraph=True meets a graph break

    def initial_point(self) -> list[np.ndarray]:
        import torch

        return [tensor.detach().to(torch.float64).numpy().copy() for _, tensor in self._slots]

    # ------------------------------------------------------------ the protocol

    def value(self, x: list[np.ndarray], *, fp64: bool) -> float:
        with self._evaluation(fp64):
            _, loss = self._run(x, fp64, requires_grad=False)
            return float(loss.detach())

    def reverse(self, x: list[np.ndarray], *, fp64: bool) -> list[np.ndarray]:
        with self._evaluation(fp64):
            leaves, loss = self._run(x, fp64)
            return _numpy(_gradient(loss, leaves))

    def forward(self, x: list[np.ndarray], v: list[np.ndarray], *, fp64: bool) -> float:
        import torch.autograd.forward_ad as forward_ad

        with self._evaluation(fp64), forward_ad.dual_level():
            _, loss = self._run(x, fp64, requires_grad=False, tangents=v)
            return _tangent(loss)

    def reverse_over_reverse(
        self, x: list[np.ndarray], u: list[np.ndarray], *, fp64: bool
    ) -> list[np.ndarray]:
        with self._evaluation(fp64):
            leaves, loss = self._run(x, fp64)
            along_u = _dot(_gradient(loss, leaves, create_graph=True), u)
            return _numpy(_gradient(along_u, leaves))

    def forward_over_reverse(
        self, x: list[np.ndarray], u: list[np.ndarray], v: list[np.ndarray], *, fp64: bool
    ) -> float:
        import torch.autograd.forward_ad as forward_ad

        with self._evaluation(fp64), forward_ad.dual_level():
            leaves, loss = self._run(x, fp64, tangents=v)
            return _tangent(_dot(_gradient(loss, leaves, create_graph=True), u))

    def compiled_reverse(self, x: list[np.ndarray]) -> list[np.ndarray]:
        """The gradient through ``torch.compile`` under the program's Inductor config and compile
        settings (``dynamic``, ``fullgraph``, the capture flags; ``resize`` is the values oracle's)."""
        import torch
        import torch._inductor.config as inductor_config

        torch._dynamo.reset()
        settings = self.program.compile
        config = inductor_config.patch(self.program.config)
        with self._evaluation(fp64=False), config, settings.dynamo_config():
            try:
                leaves, loss = self._run(x, fp64=False, compiled=True)
            except Exception as error:
                self.graph_break = fullgraph_refusal(settings, error)
                raise
            return _numpy(_gradient(loss, leaves))

    @property
    def skip_numeric(self) -> str | None:
        """Why central differences are no reference: the program stops gradients (or None)."""
        found = self._gradient_stops().found
        if not found:
            return None
        return f"the program stops gradients ({', '.join(found)}) that central differences move"

    @property
    def skip_forward(self) -> str | None:
        """Why forward mode is no reference: a no_grad block, which torch's forward AD ignores."""
        return "forward-mode AD ignores torch.no_grad" if self._gradient_stops().no_grad else None

    def _gradient_stops(self) -> _GradientStops:
        """The ways the program's forward stops gradients from its inputs (one eager run, once)."""
        if self._stops is None:
            self._stops = _GradientStops()
            try:
                with self._evaluation(fp64=False):
                    self._run(self.initial_point(), fp64=False, watch=self._stops)
            except Exception:
                self._stops = _GradientStops()  # eager reverse ran: a failure here says nothing
        return self._stops

    def _inputs_autograd_refuses(self) -> list[str]:
        """The floating inputs autograd refuses to differentiate, held constant like integer ones.

        An op may declare a floating argument non-differentiable (``fractional_max_pool2d``'s
        ``_random_samples``, ``soft_margin_loss``'s ``target``) and raise when it requires grad;
        a program that feeds it an input (an OpInfo bundle does) had its gradients unchecked
        altogether.  One eager forward with every input requiring grad says whether any is
        refused; only then does one forward per input say which."""

        def refused(requires_grad: list[bool]) -> bool:
            try:
                with self._evaluation(fp64=False):
                    _, output = self._forward(self.initial_point(), fp64=False, requires_grad=requires_grad)
            except RuntimeError as error:
                return bool(NOT_DIFFERENTIABLE.search(str(error)))
            except Exception:
                return False  # judged by the modes, as before
            if all(requires_grad):  # the forward _carrying_outputs would run: its answer, once
                self._carrying, self._carrying_known = _requiring_grad(output), True
            return False

        count = len(self._slots)
        if not refused([True] * count) or count < 2:
            return []
        return [
            path for index, (path, _) in enumerate(self._slots) if refused([i == index for i in range(count)])
        ]

    # ------------------------------------------------------------ evaluation

    @contextlib.contextmanager
    def _evaluation(self, fp64: bool) -> Iterator[None]:
        import torch

        if fp64:
            self._check_precision()
        previous = torch.get_default_dtype()
        torch.set_default_dtype(torch.float64 if fp64 else previous)
        try:
            lifted = lifted_casts() if fp64 else contextlib.nullcontext()
            with torch.enable_grad(), _missing_derivative_is_not_implemented(), lifted:
                yield
        finally:
            torch.set_default_dtype(previous)

    def _check_precision(self) -> None:
        """Raise PrecisionLimited if the program, run in float64, still casts to a lower precision.

        Float64 evaluations lift the casts a program asks for by ``dtype=`` (``x.half()``,
        ``.to(torch.float32)``: ``compiled.lifted_casts``), so they differentiate the
        program computed in float64 throughout, a fair reference; what lifting cannot reach
        (a tensor built from Python numbers with a dtype, say) still narrows."""
        import torch

        if not self._precision_checked:
            self._precision_checked = True
            previous = torch.get_default_dtype()
            torch.set_default_dtype(torch.float64)
            try:
                model, inputs = _build(self.program, self.seed, fp64=True)
                with lifted_casts(), _LossyCastRecorder() as recorder, torch.no_grad():
                    model(*inputs)
            finally:
                torch.set_default_dtype(previous)
            self.narrowing_cast = recorder.first
        if self.narrowing_cast:
            raise PrecisionLimited(f"in float64 the program still narrows a float ({self.narrowing_cast})")

    def _run(self, x: list[np.ndarray], fp64: bool, **options: Any) -> tuple[list[Any], Any]:
        """(leaf tensors, L) of :meth:`_forward` with the same ``options``."""
        leaves, output = self._forward(x, fp64, **options)
        return leaves, self._loss(output)

    def _forward(
        self,
        x: list[np.ndarray],
        fp64: bool,
        *,
        requires_grad: bool | list[bool] = True,
        tangents: list[np.ndarray] | None = None,
        compiled: bool = False,
        watch: _GradientStops | None = None,
    ) -> tuple[list[Any], Any]:
        """Build the program at ``x``, run it (the model's call inside ``watch``, if given), and
        return (leaf tensors, its output)."""
        import torch
        import torch.autograd.forward_ad as forward_ad

        model, inputs = _build(self.program, self.seed, fp64)
        if isinstance(model, torch.nn.Module):
            for tensor in [*model.parameters(), *model.buffers()]:
                tensor.requires_grad_(False)
        leaves = [
            torch.from_numpy(np.array(a, dtype=np.float64)).to(torch.float64 if fp64 else tensor.dtype)
            for a, (_, tensor) in zip(x, self._slots, strict=True)
        ]
        arguments = []
        for index, leaf in enumerate(leaves):
            leaf.requires_grad_(requires_grad if isinstance(requires_grad, bool) else requires_grad[index])
            if tangents is not None:
                tangent = torch.from_numpy(np.array(tangents[index], dtype=np.float64))  # 0-d: a numpy scalar
                leaf = forward_ad.make_dual(leaf, tangent.to(leaf.dtype))
            arguments.append(leaf.clone())
        inputs = _substitute(inputs, "input", dict(zip(self.input_names, arguments, strict=True)))
        if compiled:
            settings = self.program.compile
            model = torch.compile(
                model, backend=staged_backend(self.compiler, self.phases), **settings.compile_kwargs()
            )
            settings.mark(inputs)
        torch.manual_seed(self.seed)
        with watch or contextlib.nullcontext():
            output = model(*inputs)
        return leaves, output

    def _carrying_outputs(self) -> set[int] | None:
        """The indices of the outputs autograd carries a gradient through, found by one eager run
        with grad; None when that run fails (every output counts).  An output autograd declares
        non-differentiable (``native_layer_norm``'s mean and rstd) or one the program cuts off has
        no gradient, so central differences must not move it either."""
        import torch

        if not self._carrying_known:
            self._carrying_known = True
            try:
                with torch.enable_grad():
                    _, output = self._forward(self.initial_point(), fp64=False)
                self._carrying = _requiring_grad(output)
            except Exception:
                self._carrying = None
        return self._carrying

    def _loss(self, output: Any) -> Any:
        import torch

        carrying = self._carrying_outputs()
        loss = torch.zeros((), dtype=torch.float64)
        for index, (_, tensor) in enumerate(_walk(output, "out")):
            if carrying is not None and index not in carrying:
                continue  # no gradient reaches it: a constant of L
            if tensor.is_complex():
                parts = [tensor.real, tensor.imag]
            elif tensor.is_floating_point():
                parts = [tensor]
            else:
                continue  # integer and bool outputs carry no gradient
            for part_index, part in enumerate(parts):
                weights = np.random.default_rng([self.seed, index, part_index]).standard_normal(part.shape)
                loss = (
                    loss
                    + (part.to(torch.float64) * torch.from_numpy(np.asarray(weights, dtype=np.float64))).sum()
                )
        return loss


class _LossyCastRecorder:
    """A dispatch mode noting the first op that turns a float64 tensor into a narrower float."""

    def __init__(self) -> None:
        from torch.utils._python_dispatch import TorchDispatchMode

        recorder = self

        class Mode(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
                result = func(*args, **(kwargs or {}))
                if recorder.first is None:
                    recorder.note(func, (args, kwargs), result)
                return result

        self.first: str | None = None
        self._mode = Mode()

    def note(self, func: Any, arguments: Any, result: Any) -> None:
        import torch
        from torch.utils._pytree import tree_leaves

        def floats(values: Any) -> list[torch.dtype]:
            return [
                v.dtype for v in tree_leaves(values) if isinstance(v, torch.Tensor) and v.is_floating_point()
            ]

        if torch.float64 not in floats(arguments):
            return
        narrower = [dtype for dtype in floats(result) if dtype.itemsize < 8]
        if narrower:
            self.first = f"{func}: float64 -> {str(narrower[0]).removeprefix('torch.')}"

    def __enter__(self) -> _LossyCastRecorder:
        self._mode.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._mode.__exit__(*exc)


class _GradientStops:
    """A torch-function mode noting how a forward stops gradients that flow from the inputs: a
    call that detaches or leaves torch (``detach``, ``.data``, ``item``, ...) on a tensor computed
    from them, or any op on one while the program has disabled grad (``no_grad``,
    ``set_grad_enabled(False)``, ``inference_mode``).  Grad disabled by torch itself, as in a
    custom ``autograd.Function``'s forward (whose backward gives the gradient), is no stop."""

    def __init__(self) -> None:
        import torch
        from torch.overrides import TorchFunctionMode

        recorder = self

        class Mode(TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
                recorder.note(func, args, kwargs)
                result = func(*args, **(kwargs or {}))
                recorder.note_result(func, args, kwargs, result)
                return result

        self.found: list[str] = []
        self.no_grad = False
        self._program_disabled_grad = False  # the last set_grad_enabled the program called said False
        self._mode = Mode()
        tensor = torch.Tensor
        self._stopping = {
            tensor.detach: "Tensor.detach",
            tensor.detach_: "Tensor.detach_",
            tensor.data.__get__: "Tensor.data",
            tensor.item: "Tensor.item",
            tensor.tolist: "Tensor.tolist",
            tensor.__float__: "float(tensor)",
        }

    def note(self, func: Any, args: Any, kwargs: Any) -> None:
        import torch
        from torch.utils._pytree import tree_leaves

        if func is torch._C._set_grad_enabled:  # what no_grad / enable_grad blocks call
            self._program_disabled_grad = bool(args) and not args[0]
            return
        # Computed from the inputs (their clones included): not a leaf, such as a parameter the
        # forward creates (and initializes under no_grad).
        if not any(
            isinstance(v, torch.Tensor) and v.requires_grad and not v.is_leaf
            for v in tree_leaves((args, kwargs))
        ):
            return
        by_program = self._program_disabled_grad or torch.is_inference_mode_enabled()
        if not torch.is_grad_enabled() and not by_program:
            return  # inside a custom autograd.Function's forward
        label = self._stopping_label(func)
        if label is None and _quantizes(func):
            label = f"{func.__name__.split('.')[0]} (rounds to integers)"
        if label is None and not torch.is_grad_enabled():
            label = "torch.no_grad"
            self.no_grad = True
        if label is not None:
            self._found(label)

    def note_result(self, func: Any, args: Any, kwargs: Any, result: Any) -> None:
        """An op that takes a tensor requiring grad and, with grad enabled, returns float tensors
        autograd has no formula for (a custom op registered without one, such as PT2E's
        ``dequantize_per_tensor.tensor`` in its scale): they do not require grad, or their grad_fn
        is torch's ``WarnNotImplemented``, whose backward passes zeros (with a warning that this
        "may lead to silently incorrect behavior"); autodiff holds the result constant."""
        import torch
        from torch.utils._pytree import tree_leaves

        if not torch.is_grad_enabled() or self._stopping_label(func) is not None:
            return
        if not any(isinstance(v, torch.Tensor) and v.requires_grad for v in tree_leaves((args, kwargs))):
            return
        floats = [v for v in tree_leaves(result) if isinstance(v, torch.Tensor) and v.is_floating_point()]
        if floats and not any(v.requires_grad and not _not_implemented(v) for v in floats):
            name = getattr(func, "__name__", str(func)).split(".")[0]
            self._found(f"{name} (not differentiated by autograd)")

    def _stopping_label(self, func: Any) -> str | None:
        try:
            return self._stopping.get(func)
        except TypeError:  # an unhashable callable: none of the stopping ones
            return None

    def _found(self, label: str) -> None:
        if label not in self.found:
            self.found.append(label)

    def __enter__(self) -> _GradientStops:
        self._mode.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._mode.__exit__(*exc)


def _not_implemented(tensor: Any) -> bool:
    """Made by an op without an autograd formula: ``torch::autograd::WarnNotImplemented``."""
    return tensor.grad_fn is not None and "NotImplemented" in tensor.grad_fn.name()


def _quantizes(func: Any) -> bool:
    """A PT2E quantize op: piecewise constant in its input, so autograd holds its result constant
    (it is integers) while central differences step across its rounding, by a quantization step
    over a tiny h (the float64 referee runs these ops in float32, the most they accept)."""
    name = getattr(func, "__name__", "")
    return getattr(func, "namespace", None) == "quantized_decomposed" and name.startswith("quantize_")


# ---------------------------------------------------------------- helpers

# What autograd raises (as RuntimeError) when an input requiring grad reaches an argument the op
# does not differentiate: "The function 'fractional_max_pool2d' is not differentiable with respect
# to argument 'random_samples'. This input cannot have requires_grad True."
NOT_DIFFERENTIABLE = re.compile(r"is not differentiable with respect to argument")
# What autograd raises (as RuntimeError) for an op without a derivative formula, e.g.
# "derivative for aten::hardsigmoid_backward is not implemented" (no double backward).
MISSING_DERIVATIVE = re.compile(r"derivative for .+ (is )?not implemented")


@contextlib.contextmanager
def _missing_derivative_is_not_implemented() -> Iterator[None]:
    try:
        yield
    except RuntimeError as error:
        if MISSING_DERIVATIVE.search(str(error)):
            raise ModeNotImplemented(str(error).splitlines()[0]) from error
        raise


def _differentiable(tensor: Any) -> bool:
    """Real floating tensors autograd can differentiate (float8 formats cannot)."""
    return tensor.is_floating_point() and tensor.dtype.itemsize >= 2


def _requiring_grad(output: Any) -> set[int]:
    """The indices of the output tensors autograd carries a gradient through."""
    return {index for index, (_, tensor) in enumerate(_walk(output, "out")) if tensor.requires_grad}


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(path, tensor) for every tensor in a nested value, in the values oracle's leaf order."""
    import torch

    if isinstance(value, torch.Tensor):
        yield path, value
    elif isinstance(value, (list, tuple)) and not isinstance(value, torch.Size):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key in sorted(value, key=repr):
            yield from _walk(value[key], f"{path}[{key!r}]")


def _substitute(value: Any, path: str, replacements: dict[str, Any]) -> Any:
    """The nested value with the tensors at the given paths replaced."""
    import torch

    if isinstance(value, torch.Tensor):
        return replacements.get(path, value)
    if isinstance(value, (list, tuple)) and not isinstance(value, torch.Size):
        items = [_substitute(item, f"{path}[{i}]", replacements) for i, item in enumerate(value)]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    if isinstance(value, dict):
        return {key: _substitute(item, f"{path}[{key!r}]", replacements) for key, item in value.items()}
    return value


def _gradient(scalar: Any, leaves: list[Any], create_graph: bool = False) -> list[Any]:
    """d scalar / d leaves; zeros where the scalar does not depend on a leaf (or on none)."""
    import torch

    if not scalar.requires_grad:
        return [torch.zeros_like(leaf) for leaf in leaves]
    return list(
        torch.autograd.grad(
            scalar, leaves, create_graph=create_graph, allow_unused=True, materialize_grads=True
        )
    )


def _dot(tensors: list[Any], arrays: list[np.ndarray]) -> Any:
    import torch

    total = torch.zeros((), dtype=torch.float64)
    for tensor, array in zip(tensors, arrays, strict=True):
        total = (
            total + (tensor.to(torch.float64) * torch.from_numpy(np.asarray(array, dtype=np.float64))).sum()
        )
    return total


def _tangent(scalar: Any) -> float:
    import torch.autograd.forward_ad as forward_ad

    tangent = forward_ad.unpack_dual(scalar).tangent
    return 0.0 if tangent is None else float(tangent.detach())


def _numpy(tensors: list[Any]) -> list[np.ndarray]:
    import torch

    # force: a gradient autograd knows to be zero is a ZeroTensor, which .numpy() refuses
    return [tensor.detach().to(torch.float64).numpy(force=True).copy() for tensor in tensors]
