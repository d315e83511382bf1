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

``make_inputs`` is called once (numpy's global RNG seeded first); every run gets the same
arrays.  JAX arrays are immutable, so unlike torch there are no inputs-after-the-run to compare.
Leaves are built with ``oracles.compare.Leaf`` and the decision is ``oracles.judge.judge``'s,
so verdicts read like torch's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from oracles.compare import Leaf
from oracles.judge import Run, exception_info, failed_compiled_run, judge
from oracles.phases import PhaseLog
from oracles.verdict import ModeResult, Outcome, Verdict

XLA = "xla"
MAX_TEXT = 200
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


@dataclasses.dataclass
class JaxProgram:
    """What the oracle needs from a test program."""

    function: Callable[..., Any]
    make_inputs: Callable[[], Any]


@dataclasses.dataclass
class JaxOracleOptions:
    backends: tuple[str, ...] = (XLA,)
    eager_reruns: int = 2
    seed: int = 0


def known_backends() -> list[str]:
    from oracles.jax_faults import FAULTY_BACKENDS

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
    eager = run_eager(program.function, inputs, "eager")
    reruns: list[Run] = []
    fp64: Run | None = None
    if eager.ok:
        phases.enter("eager-rerun")
        reruns = [run_eager(program.function, inputs, "eager-rerun") for _ in range(options.eager_reruns)]
        phases.enter("eager-fp64")
        fp64 = run_eager(program.function, tuple(to_fp64(v) for v in inputs), "eager-fp64")
    compiled = [run_compiled(program.function, inputs, name, phases) for name in options.backends]
    verdict = judge(eager, reruns, fp64, compiled)
    if verdict.is_bug and verdict.exception is not None and verdict.exception.type in UNTRACEABLE:
        verdict.outcome = Outcome.INVALID
        verdict.summary = f"the program cannot be traced by jax.jit ({verdict.exception.type})"
    verdict.seconds = time.monotonic() - started
    return verdict


def run_eager(function: Callable[..., Any], inputs: tuple[Any, ...], name: str) -> Run:
    import jax

    started = time.monotonic()
    try:
        arguments = tuple(as_jax(value) for value in inputs)
        with jax.disable_jit():
            output = jax.block_until_ready(function(*arguments))
        leaves = to_leaves(output, "out")
    except Exception as error:
        return Run(ModeResult(name, False, time.monotonic() - started, exception=exception_info(error)))
    return Run(ModeResult(name, True, time.monotonic() - started), leaves)


def run_compiled(
    function: Callable[..., Any], inputs: tuple[Any, ...], backend: str, phases: PhaseLog
) -> Run:
    """``jax.jit`` through its stages (trace, lower + compile, execute), each a phase."""
    import jax

    from oracles.jax_faults import FAULTY_BACKENDS

    started = time.monotonic()
    faulty = FAULTY_BACKENDS.get(backend)
    try:
        with faulty() if faulty else contextlib.nullcontext():
            phases.enter(f"{backend}:trace")
            traced = jax.jit(function).trace(*inputs)
            phases.enter(f"{backend}:compile")
            executable = traced.lower().compile()
        phases.enter(f"{backend}:execute")
        output = jax.block_until_ready(executable(*inputs))
        leaves = to_leaves(output, "out")
    except Exception as error:
        return failed_compiled_run(backend, started, phases, error)
    return Run(ModeResult(backend, True, time.monotonic() - started), leaves)


def to_leaves(value: Any, path: str) -> list[Leaf]:
    """Flatten outputs (arrays, scalars, nested tuples/lists/dicts) into comparable leaves.

    Python scalars take the dtype ``jnp.asarray`` gives them, which is what ``jit`` returns
    for them, so an op-by-op ``1.0`` and a jitted ``1.0`` compare equal in dtype.
    """
    import jax
    import jax.numpy as jnp

    if isinstance(value, (bool, int, float, complex)):
        value = jnp.asarray(value)
    if isinstance(value, (jax.Array, np.ndarray, np.generic)):
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
        return [Leaf(path, dtype, tuple(array.shape), values)]
    if isinstance(value, (list, tuple)):
        return [leaf for i, item in enumerate(value) for leaf in to_leaves(item, f"{path}[{i}]")]
    if isinstance(value, dict):
        return [leaf for key in sorted(value, key=repr) for leaf in to_leaves(value[key], f"{path}[{key!r}]")]
    return [Leaf(path, "", (), None, text=repr(value)[:MAX_TEXT])]
