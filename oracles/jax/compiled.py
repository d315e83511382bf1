"""The jit-vs-op-by-op oracle for JAX.

One program (``fn(*inputs)`` written with ``jax.numpy`` / ``jax.lax``, ``make_inputs()`` giving
numpy arrays) is run

- op by op (``with jax.disable_jit():``), the reference "eager": every primitive is dispatched
  on its own, so no whole-program XLA optimization touches it;
- again op by op, ``eager_reruns`` times, to catch non-determinism;
- op by op in float64 (floating inputs cast to float64, complex ones to complex128), the
  referee of ``oracles.compare``; this needs ``jax_enable_x64``, which the caller turns on
  (float32 inputs stay float32 with it on: only the referee is widened);
- under each compiled backend: ``xla`` is ``jax.jit(fn)``, taken through its ahead-of-time
  stages so the phase log can tell tracing (``xla:trace``), lowering and XLA's compile
  (``xla:compile``) from running the executable (``xla:execute``).

A compiled backend that raises while ``jax.jit`` traces the program (phase ``B:trace``) with one
of JAX's own checks of how the program uses its API (:data:`NOT_VALID_JAX`: a ``fori_loop``,
``while_loop`` or ``scan`` carry that changes dtype, weak type, shape or structure across an
iteration, ``cond`` branches of different types, a shape computed from traced values) makes the
program ``invalid``: op by op, lax control flow runs as a Python loop and every value is
concrete, so nothing performs those checks, and the program is not valid JAX.  The same words
raised while lowering, compiling or running (``B:compile``, ``B:execute``) stay a crash bug, as
does any other exception at trace time.

``make_inputs`` is called once (numpy's global RNG seeded first); every run gets the same
arrays.  JAX arrays are immutable, so unlike torch there are no inputs-after-the-run to compare.
Leaves are built with ``oracles.compare.Leaf`` and the decision is ``oracles.judge.judge``'s,
so verdicts read like torch's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from oracles import boundary, rounding
from oracles.compare import MAX_TEXT, Leaf, flatten
from oracles.judge import (
    OracleOptions,
    Run,
    exception_info,
    failed_compiled_run,
    judge,
    judge_draws,
)
from oracles.phases import PhaseLog
from oracles.verdict import ExceptionInfo, ModeResult, Outcome, Symptom, Verdict

XLA = "xla"
# Raised while tracing a program that needs concrete values (Python control flow on array
# values, numpy calls on traced arrays): the program cannot be jitted at all, which says
# nothing about the compiler.  Op by op it runs, so judge() alone would call it a crash.
UNTRACEABLE = frozenset(
    {
        "ConcretizationTypeError",
        "TracerBoolConversionError",
        "TracerIntegerConversionError",
        "TracerArrayConversionError",
        "NonConcreteBooleanIndexError",
    }
)
# JAX's own checks of a program's use of its API that run only while a function is traced (see
# the module docstring): raised at ``B:trace`` they say the program is not valid JAX.
NOT_VALID_JAX = re.compile(
    r"must have (?:identical|equal|the same|same) (?:output )?(?:types|pytree structure|type structure)"
    r"|output (?:pytree structure|shapes) must match"
    r"|type-changing mutations not allowed"
    r"|Shapes must be 1D sequences of concrete values of integer type"
    r"|Reverse-mode differentiation does not work for lax\.while_loop"
)
TRACE_STEP = "trace"


@dataclasses.dataclass
class JaxProgram:
    """What the oracle needs from a test program."""

    function: Callable[..., Any]
    make_inputs: Callable[[], Any]
    constants: tuple[float, ...] = ()  # the program's numeric literals, for the "constants" draw


@dataclasses.dataclass
class JaxOracleOptions(OracleOptions):
    backends: tuple[str, ...] = (XLA,)


def known_backends() -> list[str]:
    from oracles.jax.faulty_backends import FAULTY_BACKENDS

    return sorted({XLA, *FAULTY_BACKENDS})


def make_program_inputs(program: JaxProgram, seed: int) -> tuple[Any, ...]:
    """The program's inputs: numpy arrays (or Python/numpy scalars), numpy's RNG seeded first."""
    np.random.seed(seed)
    inputs = program.make_inputs()
    if not isinstance(inputs, (tuple, list)):
        inputs = (inputs,)
    for index, value in enumerate(inputs):
        if not isinstance(value, (np.ndarray, np.generic, bool, int, float, complex)):
            raise TypeError(
                f"make_inputs() must return numpy arrays; input[{index}] is {type(value).__name__}"
            )
    return tuple(inputs)


def is_floating(dtype: Any) -> bool:
    import jax.numpy as jnp

    return bool(jnp.issubdtype(dtype, jnp.floating))


def as_jax(value: Any) -> Any:
    """A numpy array as a JAX array (Python scalars stay weakly typed).

    Op by op, a function called on numpy arrays would run numpy's operators, not JAX's, for
    everything it does without ``jnp`` (``x @ w``, ``x[i]``); jit converts its arguments itself.
    """
    import jax.numpy as jnp

    return jnp.asarray(value) if isinstance(value, (np.ndarray, np.generic)) else value


def to_fp64(value: Any) -> Any:
    """A floating array as float64, a complex one as complex128, anything else unchanged."""
    if isinstance(value, (np.ndarray, np.generic)):
        if is_floating(value.dtype):
            return np.asarray(value, dtype=np.float64)
        if np.iscomplexobj(value):
            return np.asarray(value, dtype=np.complex128)
    return value


def check(program: JaxProgram, options: JaxOracleOptions, phases: PhaseLog | None = None) -> Verdict:
    """Judge one program; raises nothing the program raises (that becomes the verdict)."""
    phases = phases or PhaseLog()
    started = time.monotonic()
    phases.enter("eager")
    try:
        inputs = make_program_inputs(program, options.seed)
    except Exception as error:
        eager = Run(ModeResult("eager", False, 0.0, exception=exception_info(error)))
        return judge(eager, [], None, [])
    drawn = [
        boundary.draw_inputs(inputs, draw, options.seed + index, program.constants)
        for index, draw in enumerate(options.draws)
    ]
    eager = run_eager(program.function, inputs, "eager", drawn)
    reruns: list[Run] = []
    fp64: Run | None = None
    if eager.ok:
        phases.enter("eager-rerun")
        reruns = [run_eager(program.function, inputs, "eager-rerun") for _ in range(options.eager_reruns)]
        phases.enter("eager-fp64")
        fp64 = run_eager(program.function, widened(inputs), "eager-fp64", [widened(d) for d in drawn])
    compiled: list[Run] = []
    failed_in: dict[str, str] = {}  # backend -> the phase it raised in
    for name in options.backends:
        compiled.append(run_compiled(program.function, inputs, name, phases, drawn))
        if not compiled[-1].ok:
            failed_in[name] = phases.current
    verdict = judge(eager, reruns, fp64, compiled)
    if verdict.outcome is Outcome.PASS and drawn:
        verdict = judge_draws(options.draws, eager, reruns, fp64, compiled) or verdict
    if verdict.is_bug and verdict.symptom is Symptom.WRONG_VALUE and fp64 is not None and fp64.ok:
        phases.enter("eager-fp64-rounding")
        chosen = drawn[options.draws.index(verdict.draw)] if verdict.draw in options.draws else inputs
        verdict = _recheck_rounding(
            program.function, widened(chosen), eager, fp64, compiled, verdict, options.draws
        )
    if verdict.is_bug and verdict.backend is not None:
        why = not_valid_jax(verdict.exception, failed_in.get(verdict.backend))
        if why:
            verdict.outcome = Outcome.INVALID
            verdict.summary = why
    verdict.seconds = time.monotonic() - started
    return verdict


def _recheck_rounding(
    function: Callable[..., Any],
    inputs: tuple[Any, ...],
    eager: Run,
    fp64: Run,
    compiled: list[Run],
    verdict: Verdict,
    draws: tuple[str, ...],
) -> Verdict:
    """:func:`oracles.rounding.recheck_traced_rounding`, the noise on the jaxpr jit traces
    (:mod:`oracles.jax.rounding_noise`), on ``inputs`` (recorded or drawn)."""
    from oracles.jax.rounding_noise import interpret, rounding_noise

    def traced() -> list[Leaf]:
        return to_leaves(interpret(function, *(as_jax(value) for value in inputs)), "out")

    return rounding.recheck_traced_rounding(verdict, eager, fp64, compiled, draws, traced, rounding_noise)


def not_valid_jax(error: ExceptionInfo | None, phase: str | None) -> str | None:
    """Why an exception a jitted run raised in ``phase`` says the program, not the compiler, is at
    fault (the verdict's summary), or None: a value-dependent trace (:data:`UNTRACEABLE`, at any
    phase) or one of JAX's API checks failing while tracing (:data:`NOT_VALID_JAX`, at ``B:trace``
    only: the same words from lowering or XLA are a compiler's)."""
    if error is None:
        return None
    if error.type in UNTRACEABLE:
        return f"the program cannot be traced by jax.jit ({error.type})"
    traced = phase is not None and phase.rpartition(":")[2] == TRACE_STEP
    if traced and NOT_VALID_JAX.search(error.message):
        first_line = (error.message.strip().splitlines() or [""])[0][:MAX_TEXT]
        return f"the program is not valid JAX: jax.jit's trace rejects it ({error.type}: {first_line})"
    return None


def widened(inputs: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(to_fp64(value) for value in inputs)


def run_eager(
    function: Callable[..., Any], inputs: tuple[Any, ...], name: str, drawn: Sequence[tuple[Any, ...]] = ()
) -> Run:
    """Op by op on the inputs, then on each input draw (``Run.draws``)."""
    import jax

    def call(arguments: tuple[Any, ...]) -> Any:
        with jax.disable_jit():
            return jax.block_until_ready(function(*(as_jax(value) for value in arguments)))

    started = time.monotonic()
    try:
        leaves = to_leaves(call(inputs), "out")
    except Exception as error:
        return Run(ModeResult(name, False, time.monotonic() - started, exception=exception_info(error)))
    seconds = time.monotonic() - started
    return Run(ModeResult(name, True, seconds), leaves, [_drawn_run(call, d, name) for d in drawn])


def run_compiled(
    function: Callable[..., Any],
    inputs: tuple[Any, ...],
    backend: str,
    phases: PhaseLog,
    drawn: Sequence[tuple[Any, ...]] = (),
) -> Run:
    """``jax.jit`` through its stages (trace, lower + compile, execute), each a phase; then the
    same executable on each input draw (same shapes and dtypes: no recompile)."""
    import jax

    from oracles.jax.faulty_backends import FAULTY_BACKENDS

    started = time.monotonic()
    faulty = FAULTY_BACKENDS.get(backend)
    try:
        with faulty() if faulty else contextlib.nullcontext():
            phases.enter(f"{backend}:{TRACE_STEP}")
            traced = jax.jit(function).trace(*inputs)
            phases.enter(f"{backend}:compile")
            executable = traced.lower().compile()
        phases.enter(f"{backend}:execute")
        output = jax.block_until_ready(executable(*inputs))
        leaves = to_leaves(output, "out")
    except Exception as error:
        return failed_compiled_run(backend, started, phases, error)
    seconds = time.monotonic() - started

    def call(arguments: tuple[Any, ...]) -> Any:
        return jax.block_until_ready(executable(*arguments))

    return Run(ModeResult(backend, True, seconds), leaves, [_drawn_run(call, d, backend) for d in drawn])


def _drawn_run(call: Callable[[tuple[Any, ...]], Any], inputs: tuple[Any, ...], name: str) -> Run:
    started = time.monotonic()
    try:
        leaves = to_leaves(call(inputs), "out")
    except Exception as error:
        return Run(ModeResult(name, False, time.monotonic() - started, exception=exception_info(error)))
    return Run(ModeResult(name, True, time.monotonic() - started), leaves)


def to_leaves(value: Any, path: str) -> list[Leaf]:
    """Flatten outputs (arrays, scalars, nested tuples/lists/dicts) into comparable leaves."""
    return flatten(value, path, _array_leaf)


def _array_leaf(value: Any, path: str) -> Leaf | None:
    """An array's leaf. Python scalars take the dtype ``jnp.asarray`` gives them, which is what
    ``jit`` returns for them, so an op-by-op ``1.0`` and a jitted ``1.0`` compare equal in dtype."""
    import jax
    import jax.numpy as jnp

    if isinstance(value, (bool, int, float, complex)):
        value = jnp.asarray(value)
    if not isinstance(value, (jax.Array, np.ndarray, np.generic)):
        return None
    array = np.asarray(value)
    dtype = str(array.dtype)
    if is_floating(array.dtype):
        values = array.astype(np.float64)
    elif np.iscomplexobj(array):
        values = array.astype(np.complex128)
    elif array.dtype == np.bool_:
        values = array
    else:
        values = array.astype(np.int64)
    return Leaf(path, dtype, tuple(array.shape), values)
