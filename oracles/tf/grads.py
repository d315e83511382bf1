"""TensorFlow's view of a program for the gradient oracle (``oracles.gradcheck.GradientFunctions``).

The scalar is ``L(x) = sum(w * f(x))`` over the program's real floating outputs (complex outputs
count their real and imaginary parts, each with its own weights), computed in float64 inside TF,
with weights drawn once from the seed.  ``x`` are the floating inputs; every other input
(integers, booleans, complex) is a constant of the program.  The modes:

- reverse: ``tf.GradientTape``; forward: ``tf.autodiff.ForwardAccumulator``;
- second order: a tape over a tape (reverse over reverse), an accumulator over a tape (forward
  over reverse);
- compiled reverse: the tape inside the compiled backend (``tf.function(jit_compile=True)`` for
  ``xla``), where TF builds the gradient graph symbolically and XLA compiles forward and backward
  together, in the program's dtypes.

Evidence the core needs from TF: a ``LookupError`` about a missing gradient (an op with no
registered gradient, or no gradient of its gradient for second order) is re-raised as
``ModeNotImplemented``; float64 evaluations raise ``PrecisionLimited`` when the program, traced
with float64 inputs, still computes any floating tensor in a narrower dtype (a cast down, or a
float32 constant of its own), so float64 finite differences would not be a fair reference.

A ``tf.stop_gradient`` the program calls itself makes autodiff differ from the numeric derivative
on purpose (straight-through estimators, frozen targets).  So every float64 evaluation (the
central differences use them) holds the program's own ``stop_gradient`` outputs fixed at their
values at the checked point: the first float64 evaluation records them, in call order, and later
ones return the recorded values in their place (a constant, so autodiff sees the zero derivative
``stop_gradient`` has, and at the checked point the values are the same).  "The program's own"
is a ``stop_gradient`` called from outside TF (through TF's decorator wrappers only); those TF
calls inside its library functions are left alone, as value-neutral tricks (``reduce_logsumexp``'s
shift).  One called while the program builds a graph of its own (its own ``tf.function``) cannot
be held: then ``skip_numeric`` says so and the core compares no autodiff value with central
differences.

``singular_intermediates`` evaluates every floating operand of the ops of ``L``'s graph at ``x``
(``tf.compat.v1.wrap_function``, pruned to those tensors) and names the ones NaN/Inf or where their
op's derivative is infinite or undefined (``Sqrt`` of 0: ``reduce_std`` of a constant is forward
NaN, reverse 0): ``grad_singular_intermediate`` in ``oracles.gradcheck``.  ``broken_contracts``
names the operands, in the same graph, that break an op's documented precondition (labels that are
no distribution, a matrix that is not symmetric; :data:`CONTRACTS`, ``oracles.contracts``):
``grad_contract``.

TF answers ``None`` for a gradient that is structurally zero (``sign``, a cast to an integer, an
output that does not depend on an input): that is read as zeros (``UnconnectedGradients.ZERO``), a
known non-bug.  TF derives forward mode by transposing the registered reverse-mode gradient
functions, so a gradient function that is wrong but linear in its upstream gradient is wrong in
both modes alike: only the numeric derivative can catch it (see ``oracles.tf.faulty_backends``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from oracles import contracts, singular
from oracles.gradcheck import ModeNotImplemented, PrecisionLimited
from oracles.judge import exception_info
from oracles.tf.compiled import TfProgram, compiler, input_arrays, is_unsupported, widen

NARROW_FLOATS = frozenset({"float16", "bfloat16", "float32", "complex64"})
# Op type -> (which operand, where its derivative is infinite or undefined, in words).
SINGULAR_AT: dict[str, singular.OperandRule] = {
    "Sqrt": (0, singular.not_positive, "<= 0"),
    "Rsqrt": (0, singular.not_positive, "<= 0"),
    "Log": (0, singular.not_positive, "<= 0"),
    "Log1p": (0, singular.at_most_minus_one, "<= -1"),
    "RealDiv": (1, singular.at_zero, "a zero divisor"),
    "Div": (1, singular.at_zero, "a zero divisor"),
    "Reciprocal": (0, singular.at_zero, "0"),
    "Inv": (0, singular.at_zero, "0"),
    "Xlogy": (1, singular.not_positive, "y <= 0"),
    "Pow": (0, singular.not_positive, "a base <= 0"),
    "Asin": (0, singular.not_inside_unit, "|x| >= 1"),
    "Acos": (0, singular.not_inside_unit, "|x| >= 1"),
    "Atanh": (0, singular.not_inside_unit, "|x| >= 1"),
    "Erfinv": (0, singular.not_inside_unit, "|x| >= 1"),
    "Acosh": (0, singular.at_most_one, "<= 1"),
}
# Op type -> (which operand, where it breaks the gradient's documented precondition, in words).
CONTRACTS: dict[str, singular.OperandRule] = {
    "SoftmaxCrossEntropyWithLogits": (1, contracts.rows_not_distributions, "labels rows not summing to 1"),
    "Cholesky": (0, contracts.not_symmetric, "a matrix that is not symmetric"),
    "SelfAdjointEigV2": (0, contracts.not_symmetric, "a matrix that is not symmetric"),
}
# TF's decorator frames between a public op and its caller (dispatch, traceback filtering,
# weak-tensor promotion): a stop_gradient called through these only is the program's own.
TF_WRAPPERS = frozenset({"wrapper", "error_handler", "op_dispatch_handler"})


def gradient_functions(
    program: TfProgram, seed: int, compiled_backend: str = "xla"
) -> tuple[TfGradientFunctions, list[np.ndarray]]:
    """The program's gradient functions and the point to check them at (float64 arrays)."""
    arrays = input_arrays(program, seed)
    functions = TfGradientFunctions(program.fn, arrays, seed, compiled_backend)
    return functions, [arrays[i].astype(np.float64) for i in functions.positions]


class TfGradientFunctions:
    """``GradientFunctions`` for one TF program: every method takes and returns float64 numpy."""

    def __init__(
        self, fn: Callable[..., Any], arrays: list[np.ndarray], seed: int, compiled_backend: str
    ) -> None:
        import tensorflow as tf

        self.fn = fn
        self.arrays = arrays
        self.seed = seed
        self.compiled_backend = compiled_backend
        self.positions = [i for i, a in enumerate(arrays) if tf.as_dtype(a.dtype).is_floating]
        self.input_names = [f"input[{i}]" for i in self.positions]
        self.input_dtypes = [tf.as_dtype(arrays[i].dtype).name for i in self.positions]
        self.compiler = compiled_backend  # blamed for a wrong compiled gradient
        self._weights: list[np.ndarray] | None = None
        self._narrow_in_fp64: list[str] | None = None
        self._stops: list[np.ndarray] | None = None  # the program's stop_gradient values at x0
        self.skip_numeric: str | None = None  # set when a stop_gradient cannot be held fixed

    # -- the GradientFunctions protocol --------------------------------------------------------

    def value(self, x: list[np.ndarray], *, fp64: bool) -> float:
        primals = self._primals(x, fp64)
        return float(self._loss(primals, fp64).numpy())

    def reverse(self, x: list[np.ndarray], *, fp64: bool) -> list[np.ndarray]:
        import tensorflow as tf

        primals = self._primals(x, fp64)
        with _missing_gradient_is_not_implemented(), tf.GradientTape() as tape:
            tape.watch(primals)
            loss = self._loss(primals, fp64)
            return _arrays(_gradient(tape, loss, primals))

    def forward(self, x: list[np.ndarray], v: list[np.ndarray], *, fp64: bool) -> float:
        import tensorflow as tf

        primals = self._primals(x, fp64)
        with _missing_gradient_is_not_implemented():
            with tf.autodiff.ForwardAccumulator(primals, _like(v, primals)) as accumulator:
                loss = self._loss(primals, fp64)
            return float(accumulator.jvp(loss, unconnected_gradients=tf.UnconnectedGradients.ZERO).numpy())

    def reverse_over_reverse(
        self, x: list[np.ndarray], u: list[np.ndarray], *, fp64: bool
    ) -> list[np.ndarray]:
        import tensorflow as tf

        primals = self._primals(x, fp64)
        with _missing_gradient_is_not_implemented():
            with tf.GradientTape() as outer:
                outer.watch(primals)
                inner_product = self._gradient_dot(primals, u, fp64)
            return _arrays(_gradient(outer, inner_product, primals))

    def forward_over_reverse(
        self, x: list[np.ndarray], u: list[np.ndarray], v: list[np.ndarray], *, fp64: bool
    ) -> float:
        import tensorflow as tf

        primals = self._primals(x, fp64)
        with _missing_gradient_is_not_implemented():
            with tf.autodiff.ForwardAccumulator(primals, _like(v, primals)) as accumulator:
                inner_product = self._gradient_dot(primals, u, fp64)
            zero = tf.UnconnectedGradients.ZERO
            return float(accumulator.jvp(inner_product, unconnected_gradients=zero).numpy())

    def compiled_reverse(self, x: list[np.ndarray]) -> list[np.ndarray]:
        """An op the compiler says it does not support is a mode it lacks, as for values."""
        with _missing_gradient_is_not_implemented(), compiler(self.compiled_backend) as wrap:
            function = wrap(self._reverse_of_all_inputs)
            try:
                return _arrays(function(*self._inputs(self._primals(x, False), False)))
            except Exception as error:
                if is_unsupported(exception_info(error)):
                    raise ModeNotImplemented(f"{self.compiled_backend}: {error}") from error
                raise

    def singular_intermediates(self, x: list[np.ndarray]) -> list[str]:
        """The operands of the ops of ``L``'s graph at ``x`` (program dtypes and float64) that sit
        where their op's derivative is infinite or undefined (:data:`SINGULAR_AT`), or are NaN/Inf
        themselves; [] if none or if ``L`` cannot be traced into one graph."""
        return self._operand_evidence(
            x, lambda op, arrays: singular.singular_operand(op, arrays, SINGULAR_AT)
        )

    def broken_contracts(self, x: list[np.ndarray]) -> list[str]:
        """The operands of the ops of ``L``'s graph at ``x`` that break the op's documented
        precondition (:data:`CONTRACTS`: labels that are no distribution, a matrix that is not
        symmetric); [] if none or if ``L`` cannot be traced into one graph."""
        return self._operand_evidence(x, lambda op, arrays: singular.operand_evidence(op, arrays, CONTRACTS))

    def _operand_evidence(
        self, x: list[np.ndarray], judge: Callable[[str, dict[int, np.ndarray]], str | None]
    ) -> list[str]:
        """The distinct lines ``judge(op type, operands)`` says about the ops of ``L``'s graph."""
        with np.errstate(all="ignore"):
            found = {evidence for op, arrays in self._graph_operands(x) if (evidence := judge(op, arrays))}
        return sorted(found)

    def _graph_operands(self, x: list[np.ndarray]) -> Iterator[tuple[str, dict[int, np.ndarray]]]:
        """Per op of ``L``'s graph at ``x``, in the program's dtypes and in float64: its type and
        its floating operands' values by position.  ``L`` is traced with
        ``tf.compat.v1.wrap_function`` and pruned to those operands; a run that cannot be traced
        into one graph yields nothing.  The bodies of the program's own functions and of control
        flow are not looked into."""
        import tensorflow as tf

        for fp64 in (False, True):
            primals = [tf.constant(a) for a in self._cast(x, fp64)]
            specs = [tf.TensorSpec(p.shape, p.dtype) for p in primals]
            try:
                graph = tf.compat.v1.wrap_function(lambda *p, fp64=fp64: self._loss(list(p), fp64), specs)
                operands = [
                    (op, position, tensor)
                    for op in graph.graph.get_operations()
                    for position, tensor in enumerate(op.inputs)
                    if tensor.dtype.is_floating
                ]
                if not operands:
                    continue
                values = graph.prune(graph.inputs, [tensor for _, _, tensor in operands])(*primals)
            except Exception:
                continue  # not traceable into one graph: no evidence from this run
            by_op: dict[Any, dict[int, np.ndarray]] = {}
            for (op, position, _), value in zip(operands, values, strict=True):
                by_op.setdefault(op, {})[position] = np.asarray(value)
            for op, arrays in by_op.items():
                yield op.type, arrays

    # -- helpers -------------------------------------------------------------------------------

    def _reverse_of_all_inputs(self, *inputs: Any) -> list[Any]:
        """Reverse-mode gradient with every input an argument, so compilers see no baked-in data."""
        import tensorflow as tf

        primals = [inputs[i] for i in self.positions]
        with tf.GradientTape() as tape:
            tape.watch(primals)
            loss = self._weighted_sum(self.fn(*inputs))
        return _gradient(tape, loss, primals)

    def _gradient_dot(self, primals: list[Any], u: list[np.ndarray], fp64: bool) -> Any:
        """``<grad L, u>``, recorded by whatever tape or accumulator is open around it."""
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(primals)
            loss = self._loss(primals, fp64)
        grads = _gradient(tape, loss, primals)
        total = tf.constant(0.0, tf.float64)
        for grad, direction in zip(grads, u, strict=True):
            total += tf.reduce_sum(tf.cast(grad, tf.float64) * direction)
        return total

    def _cast(self, x: list[np.ndarray], fp64: bool) -> list[np.ndarray]:
        dtypes = [self.arrays[i].dtype for i in self.positions]
        return [np.asarray(a, np.float64 if fp64 else dtype) for a, dtype in zip(x, dtypes, strict=True)]

    def _primals(self, x: list[np.ndarray], fp64: bool) -> list[Any]:
        import tensorflow as tf

        if fp64 and (narrow := self._narrow_dtypes_in_fp64()):
            raise PrecisionLimited(f"with float64 inputs the program still computes in {', '.join(narrow)}")
        if fp64:
            self._record_stops()  # outside any tape or accumulator the caller opens next
        return [tf.constant(a) for a in self._cast(x, fp64)]

    def _record_stops(self) -> None:
        """The program's own ``stop_gradient`` outputs in float64 at the checked point, in call order
        (once per program)."""
        import tensorflow as tf

        if self._stops is not None:
            return
        seen: list[Any] = []
        in_graph: list[bool] = []

        def record(value: Any) -> Any:
            seen.append(value)
            in_graph.append(not tf.executing_eagerly())
            return value

        x0 = [tf.constant(self.arrays[i].astype(np.float64)) for i in self.positions]
        with _program_stop_gradients(record):
            self.fn(*self._inputs(x0, True))
        if any(in_graph):
            self.skip_numeric = (
                "the program calls tf.stop_gradient inside a graph of its own, which the central "
                "differences cannot hold fixed"
            )
            self._stops = []
        else:
            self._stops = [np.asarray(value.numpy()) for value in seen]

    def _stops_held(self, fp64: bool) -> contextlib.AbstractContextManager[Any]:
        """In float64, the program's own ``stop_gradient`` outputs replaced by their recorded values."""
        import tensorflow as tf

        if not fp64 or not self._stops:
            return contextlib.nullcontext()
        recorded = iter(self._stops)

        def held(value: Any) -> Any:
            frozen = next(recorded, None)
            same = frozen is not None and frozen.shape == tuple(value.shape)
            if not same or frozen.dtype != value.dtype.as_numpy_dtype:
                return value  # the program took another path: nothing to hold it at
            return tf.constant(frozen)

        return _program_stop_gradients(held)

    def _narrow_dtypes_in_fp64(self) -> list[str]:
        """Floating dtypes narrower than 64 bits in the program's graph traced with float64 inputs
        (traced once per program)."""
        import tensorflow as tf

        if self._narrow_in_fp64 is None:
            inputs = [tf.TensorSpec(a.shape, tf.as_dtype(widen(a).dtype)) for a in self.arrays]
            try:
                graph = tf.function(self.fn).get_concrete_function(*inputs).graph
                found = {t.dtype.name for op in graph.get_operations() for t in op.outputs}
            except Exception:
                found = set()  # not traceable: the eager float64 run is the only judge of it
            self._narrow_in_fp64 = sorted(found & NARROW_FLOATS)
        return self._narrow_in_fp64

    def _inputs(self, primals: list[Any], fp64: bool) -> list[Any]:
        import tensorflow as tf

        inputs = [tf.constant(widen(a) if fp64 else a) for a in self.arrays]
        for position, primal in zip(self.positions, primals, strict=True):
            inputs[position] = primal
        return inputs

    def _loss(self, primals: list[Any], fp64: bool) -> Any:
        inputs = self._inputs(primals, fp64)
        with self._stops_held(fp64):
            return self._weighted_sum(self.fn(*inputs))

    def _weighted_sum(self, outputs: Any) -> Any:
        import tensorflow as tf

        parts = []
        for output in tf.nest.flatten(outputs):
            if not isinstance(output, tf.Tensor):
                continue
            if output.dtype.is_complex:
                parts.extend([tf.math.real(output), tf.math.imag(output)])
            elif output.dtype.is_floating:
                parts.append(output)
        weights = self._weights_for(parts)
        total = tf.constant(0.0, tf.float64)
        for part, weight in zip(parts, weights, strict=True):
            total += tf.reduce_sum(tf.cast(part, tf.float64) * weight)
        return total

    def _weights_for(self, parts: list[Any]) -> list[np.ndarray]:
        """One standard-normal weight array per output part, drawn once (the same in every mode)."""
        if self._weights is None:
            rng = np.random.default_rng(self.seed)
            self._weights = [rng.standard_normal(tuple(part.shape)) for part in parts]
        return self._weights


@contextlib.contextmanager
def _program_stop_gradients(transform: Callable[[Any], Any]) -> Iterator[None]:
    """Each ``stop_gradient`` the program calls itself returns ``transform(its output)`` in the block.

    ``tf.stop_gradient`` (however the program imported it) runs ``gen_array_ops.stop_gradient``
    through the module, so that is where it is caught; whose call it is comes from the stack."""
    from tensorflow.python.ops import gen_array_ops

    real = gen_array_ops.stop_gradient

    def stop_gradient(input: Any, name: Any = None) -> Any:
        value = real(input, name=name)
        return transform(value) if _called_by_program() else value

    gen_array_ops.stop_gradient = stop_gradient
    try:
        yield
    finally:
        gen_array_ops.stop_gradient = real


def _called_by_program() -> bool:
    """Whether the ``array_ops.stop_gradient`` running reached us from outside TF, through TF's
    decorator wrappers only (not from one of TF's library functions)."""
    import tensorflow as tf

    package = os.path.dirname(tf.__file__) + os.sep
    frame = sys._getframe(2)  # 0: here, 1: the stop_gradient above, 2: array_ops.stop_gradient
    if frame.f_code.co_name != "stop_gradient":
        return False
    frame = frame.f_back
    while frame is not None and frame.f_code.co_filename.startswith(package):
        if frame.f_code.co_name not in TF_WRAPPERS:
            return False
        frame = frame.f_back
    return frame is not None


@contextlib.contextmanager
def _missing_gradient_is_not_implemented() -> Iterator[None]:
    """TF's LookupError for an op without a (higher-order) gradient means a mode it lacks."""
    try:
        yield
    except LookupError as error:
        if type(error) is not LookupError or "gradient" not in str(error).lower():
            raise
        raise ModeNotImplemented(str(error)) from error


def _gradient(tape: Any, target: Any, sources: list[Any]) -> list[Any]:
    """``tape.gradient`` as dense tensors: TF's ``None`` for a structural zero read as zeros, and
    sparse ``IndexedSlices`` (from ``tf.gather``) made dense."""
    import tensorflow as tf

    grads = tape.gradient(target, sources, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return [tf.convert_to_tensor(grad) for grad in grads]


def _like(arrays: list[np.ndarray], primals: list[Any]) -> list[Any]:
    import tensorflow as tf

    return [tf.constant(np.asarray(a, p.dtype.as_numpy_dtype)) for a, p in zip(arrays, primals, strict=True)]


def _arrays(tensors: list[Any]) -> list[np.ndarray]:
    return [np.asarray(t.numpy(), np.float64) for t in tensors]


@contextlib.contextmanager
def gradients_used() -> Iterator[set[str]]:
    """The ``@ops.RegisterGradient`` rules looked up inside the block, as ``<module>.<OpName>``
    (``math_grad.Tanh``: the ids of ``fuzzfox.targets.tf.extract``): TF's trigger probe.

    Eager tapes and traced gradients (tf.function, XLA) both find a rule through the gradient
    registry's ``lookup``, so wrapping that method sees every rule a program's differentiation
    used.  ``Registry`` has slots, so the class method is wrapped for the block (the sandbox runs
    one program per process) and only the gradient registry's lookups are named; only rules
    defined in ``*_grad`` modules count (the catalog's scope)."""
    from tensorflow.python.framework import ops, registry

    gradients = ops._gradient_registry
    original = registry.Registry.lookup
    used: set[str] = set()

    def recording_lookup(self: Any, name: Any) -> Any:
        function = original(self, name)
        module = getattr(function, "__module__", "") or ""
        if self is gradients and module.endswith("_grad"):
            op = name if isinstance(name, str) else bytes(name).decode()
            used.add(f"{module.rsplit('.', 1)[-1]}.{op}")
        return function

    registry.Registry.lookup = recording_lookup  # type: ignore[method-assign]
    try:
        yield used
    finally:
        registry.Registry.lookup = original  # type: ignore[method-assign]
