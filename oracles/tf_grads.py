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

TF answers ``None`` for a gradient that is structurally zero (``sign``, a cast to an integer, an
output that does not depend on an input): that is read as zeros (``UnconnectedGradients.ZERO``), a
known non-bug.  TF derives forward mode by transposing the registered reverse-mode gradient
functions, so a gradient function that is wrong but linear in its upstream gradient is wrong in
both modes alike: only the numeric derivative can catch it (see ``oracles.tf_faults``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from oracles.gradcheck import ModeNotImplemented, PrecisionLimited
from oracles.judge import exception_info
from oracles.tf_xla import TfProgram, compiler, input_arrays, is_unsupported, widen

NARROW_FLOATS = frozenset({"float16", "bfloat16", "float32", "complex64"})


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
        return [tf.constant(a) for a in self._cast(x, fp64)]

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
        return self._weighted_sum(self.fn(*self._inputs(primals, fp64)))

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
    (``math_grad.Tanh``: the ids of ``fuzzfox.whitebox.tf_gradients``): TF's trigger probe.

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
