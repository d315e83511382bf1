"""The compiled-vs-eager oracle for TensorFlow: ``tf.function`` and ``tf.function(jit_compile=True)``.

Program format (target ``tf-xla``)::

    # target: tf-xla
    # optimization: math_grad.Tanh
    # description: what the program exercises
    import numpy as np
    import tensorflow as tf

    def fn(x, y):                       # tf ops only; called with one tf.Tensor per input
        return tf.tanh(x) @ y

    def make_inputs():                  # a tuple of numpy arrays, deterministic
        rng = np.random.default_rng(0)
        x = rng.standard_normal((3, 4)).astype(np.float32)
        return (x, rng.standard_normal((4, 2)).astype(np.float32))

``fn`` should be dtype-generic (Python scalars, ``tf.cast(v, x.dtype)``), so that the float64
referee, which casts every floating input to float64 (complex to complex128), can run it; a
program that pins ``tf.float32`` still runs, but is judged without a referee (wider tolerances).
Random ops in ``fn`` must be stateless (``tf.random.stateless_*``): stateful ones draw differently
in eager and in a graph, whatever the seed.

Modes, least compiling first: ``eager`` (op by op; the reference), ``eager-rerun`` (non-determinism),
``eager-fp64`` (the referee), ``function`` (a graph: AutoGraph tracing, Grappler, the graph
executor) and ``xla`` (the same graph compiled by XLA).  A failure already seen under ``function``
is blamed on it, not on XLA.  Phases: ``B:trace`` is tracing into a graph; for XLA, ``xla:compile``
asks for the optimized HLO (XLA's passes run there, so a compiler crash gets the compilation
stage; it costs ~50 ms of a ~100 ms first call), then ``xla:execute`` runs it.

A compiler that rejects a program with its documented "unsupported" error (an op XLA has no kernel
for, Python that needs eager values inside ``tf.function``) makes the program ``invalid`` for this
target (as an untraceable program is for jax-xla), not a crash.

oneDNN: TensorFlow's x86 build runs some eager kernels (matmul, conv, ...) through oneDNN unless
``TF_ENABLE_ONEDNN_OPTS=0``; XLA:CPU emits its own code.  Measured on the 33 seed programs of
``corpus/tf-xla`` (one worker thread, seed 0): the verdicts are the same either way (33 pass);
eager-vs-XLA differences are identical on 32 programs, and on ``batch_matmul_broadcast`` the
largest is 4.8e-7 with oneDNN off and 2.4e-7 with it on, both far inside the float64-referee
rule.  We turn it off (``ONEDNN_SETTING``): it does not change what the oracle decides, and
without it the eager reference does not depend on the CPU-specific kernels oneDNN picks at run
time (AVX2, AVX-512, AMX), so a verdict found on one machine replays on another.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from oracles import boundary, rounding
from oracles.compare import MAX_TEXT, Leaf, flatten
from oracles.judge import (
    OracleOptions,
    Run,
    eager_runs,
    exception_info,
    failed_compiled_run,
    judge,
    judge_draws,
)
from oracles.phases import PhaseLog
from oracles.verdict import ExceptionInfo, ModeResult, Outcome, Symptom, Verdict

DEFAULT_BACKENDS = ("function", "xla")

# TF_ENABLE_ONEDNN_OPTS, set in the worker before tensorflow is imported (see the module docstring).
ONEDNN_SETTING = "0"

# A compiler saying, in its own words, that the program is outside what it supports.
_UNSUPPORTED = re.compile(
    r"Detected unsupported operations when trying to compile graph"
    r"|No registered '\w+' OpKernel for XLA_\w+_JIT"
    r"|is not supported by XLA"
    r"|numpy\(\) is only available when eager execution is enabled"
    r"|is not allowed in Graph execution"
    r"|Using a symbolic `tf.Tensor` as a Python `bool` is not allowed"
)
_UNSUPPORTED_TYPES = frozenset({"OperatorNotAllowedInGraphError"})


@dataclasses.dataclass
class TfProgram:
    """What the oracle needs from a test program."""

    fn: Callable[..., Any]
    make_inputs: Callable[[], Any]
    constants: tuple[float, ...] = ()  # the program's numeric literals, for the "constants" draw


@dataclasses.dataclass
class TfOracleOptions(OracleOptions):
    backends: tuple[str, ...] = DEFAULT_BACKENDS


class InputsError(TypeError):
    """``make_inputs()`` returned something that is not a tuple of numpy arrays."""


def known_backends() -> list[str]:
    from oracles.tf.faulty_backends import FAULTY_BACKENDS

    return sorted({"function", "xla", *FAULTY_BACKENDS})


def check(program: TfProgram, options: TfOracleOptions, phases: PhaseLog | None = None) -> Verdict:
    """Judge one program; raises nothing the program raises (that becomes the verdict)."""
    phases = phases or PhaseLog()
    started = time.monotonic()
    drawn = _drawn_arrays(program, options)
    eager, reruns, fp64 = eager_runs(
        lambda fp64, name: _run_eager(
            program, options.seed, fp64=fp64, name=name, drawn=[] if name == "eager-rerun" else drawn
        ),
        options.eager_reruns,
        phases,
    )
    compiled = [_run_compiled(program, options.seed, name, phases, drawn) for name in options.backends]
    verdict = judge(eager, reruns, fp64, compiled)
    if verdict.outcome is Outcome.PASS and drawn:
        verdict = judge_draws(options.draws, eager, reruns, fp64, compiled) or verdict
    if verdict.is_bug and verdict.symptom is Symptom.WRONG_VALUE and fp64 is not None and fp64.ok:
        phases.enter("eager-fp64-rounding")
        chosen = drawn[options.draws.index(verdict.draw)] if verdict.draw in options.draws else None
        verdict = _recheck_rounding(program, options, chosen, eager, fp64, compiled, verdict)
    verdict = _unsupported_is_invalid(verdict)
    verdict.seconds = time.monotonic() - started
    return verdict


def _recheck_rounding(
    program: TfProgram,
    options: TfOracleOptions,
    drawn: list[np.ndarray] | None,
    eager: Run,
    fp64: Run,
    compiled: list[Run],
    verdict: Verdict,
) -> Verdict:
    """:func:`oracles.rounding.recheck_traced_rounding`, the noise on the graph the program is
    traced to (:mod:`oracles.tf.rounding_noise`), on the ``drawn`` inputs or the recorded ones."""
    import tensorflow as tf

    from oracles.tf.rounding_noise import evaluate, rounding_noise

    arrays = drawn if drawn is not None else input_arrays(program, options.seed)
    inputs = tensors([widen(array) for array in arrays])

    def traced() -> list[Leaf]:
        tf.random.set_seed(options.seed)
        return to_leaves(evaluate(program.fn, *inputs), "out")

    return rounding.recheck_traced_rounding(
        verdict, eager, fp64, compiled, options.draws, traced, rounding_noise
    )


def is_unsupported(error: ExceptionInfo) -> bool:
    """The compiler's own words for "this program is outside what I support"."""
    return error.type in _UNSUPPORTED_TYPES or bool(_UNSUPPORTED.search(error.message))


def _unsupported_is_invalid(verdict: Verdict) -> Verdict:
    error = verdict.exception
    if verdict.outcome is not Outcome.BUG or verdict.symptom is not Symptom.CRASH or error is None:
        return verdict
    if is_unsupported(error):
        first_line = (error.message.strip().splitlines() or [""])[0][:200]
        verdict.outcome = Outcome.INVALID
        verdict.summary = f"{verdict.backend} does not support this program ({error.type}: {first_line})"
    return verdict


def input_arrays(program: TfProgram, seed: int) -> list[np.ndarray]:
    """``make_inputs()`` as numpy arrays, drawn with numpy and TF seeded."""
    import tensorflow as tf

    np.random.seed(seed)
    tf.random.set_seed(seed)
    inputs = program.make_inputs()
    if not isinstance(inputs, (tuple, list)):
        inputs = (inputs,)
    arrays = []
    for index, value in enumerate(inputs):
        if isinstance(value, tf.Tensor):
            value = value.numpy()
        if not isinstance(value, (np.ndarray, np.generic)):
            raise InputsError(f"make_inputs()[{index}] is a {type(value).__name__}, not a numpy array")
        arrays.append(np.asarray(value))
    return arrays


def widen(array: np.ndarray) -> np.ndarray:
    """Floating arrays as float64, complex as complex128, others unchanged: the referee's inputs."""
    import tensorflow as tf

    dtype = tf.as_dtype(array.dtype)
    if dtype.is_complex:
        return array.astype(np.complex128)
    if dtype.is_floating:
        return array.astype(np.float64)
    return array


def tensors(arrays: list[np.ndarray]) -> list[Any]:
    import tensorflow as tf

    return [tf.constant(array) for array in arrays]


def _prepared(program: TfProgram, seed: int, fp64: bool) -> list[Any]:
    import tensorflow as tf

    arrays = input_arrays(program, seed)
    if fp64:
        arrays = [widen(array) for array in arrays]
    tf.random.set_seed(seed)
    return tensors(arrays)


def _drawn_arrays(program: TfProgram, options: TfOracleOptions) -> list[list[np.ndarray]]:
    """Each input draw's arrays ([] when there are none, or make_inputs fails: eager says so)."""
    if not options.draws:
        return []
    try:
        arrays = tuple(input_arrays(program, options.seed))
    except Exception:
        return []
    return [
        list(boundary.draw_inputs(arrays, draw, options.seed + index, program.constants))
        for index, draw in enumerate(options.draws)
    ]


def _drawn_runs(
    call: Callable[..., Any], drawn: list[list[np.ndarray]], seed: int, fp64: bool, name: str
) -> list[Run]:
    """``call`` on each input draw (widened for the referee), TF's seed reset before each."""
    import tensorflow as tf

    runs = []
    for arrays in drawn:
        started = time.monotonic()
        try:
            tf.random.set_seed(seed)
            inputs = tensors([widen(array) for array in arrays] if fp64 else arrays)
            runs.append(Run(ModeResult(name, True, 0.0), to_leaves(call(*inputs), "out")))
        except Exception as error:
            runs.append(Run(ModeResult(name, False, 0.0, exception=exception_info(error))))
        runs[-1].mode.seconds = time.monotonic() - started
    return runs


def _run_eager(
    program: TfProgram, seed: int, fp64: bool, name: str = "eager", drawn: Sequence[list[np.ndarray]] = ()
) -> Run:
    name = "eager-fp64" if fp64 else name
    started = time.monotonic()
    try:
        inputs = _prepared(program, seed, fp64)
        leaves = to_leaves(program.fn(*inputs), "out")
    except Exception as error:
        return Run(ModeResult(name, False, time.monotonic() - started, exception=exception_info(error)))
    seconds = time.monotonic() - started
    return Run(
        ModeResult(name, True, seconds), leaves, _drawn_runs(program.fn, list(drawn), seed, fp64, name)
    )


def _run_compiled(
    program: TfProgram, seed: int, backend: str, phases: PhaseLog, drawn: Sequence[list[np.ndarray]] = ()
) -> Run:
    """Trace (and compile) once, run on the inputs, then on each input draw (same signature: the
    same trace)."""
    started = time.monotonic()
    try:
        inputs = _prepared(program, seed, fp64=False)
        with compiler(backend) as wrap:
            function = wrap(program.fn)
            phases.enter(f"{backend}:trace")
            function.get_concrete_function(*inputs)
            if backend != "function":
                phases.enter(f"{backend}:compile")
                function.experimental_get_compiler_ir(*inputs)(stage="optimized_hlo")
            phases.enter(f"{backend}:execute")
            leaves = to_leaves(function(*inputs), "out")
            seconds = time.monotonic() - started
            runs = _drawn_runs(function, list(drawn), seed, False, backend)
    except Exception as error:
        return failed_compiled_run(backend, started, phases, error)
    return Run(ModeResult(backend, True, seconds), leaves, runs)


@contextlib.contextmanager
def compiler(backend: str) -> Iterator[Callable[[Callable[..., Any]], Any]]:
    """A function that compiles a Python function under ``backend`` (a faulty one stays faulty
    while the context is open, which covers its tracing)."""
    import tensorflow as tf

    from oracles.tf.faulty_backends import FAULTY_BACKENDS

    if backend == "function":
        yield tf.function
    elif backend == "xla":
        yield lambda fn: tf.function(fn, jit_compile=True)
    elif backend in FAULTY_BACKENDS:
        with FAULTY_BACKENDS[backend]():
            yield lambda fn: tf.function(fn, jit_compile=True)
    else:
        raise ValueError(f"unknown backend {backend!r} (known: {', '.join(known_backends())})")


def to_leaves(value: Any, path: str) -> list[Leaf]:
    """Flatten outputs (tensors, numpy values, Python scalars, nested lists/tuples/dicts) into leaves."""
    return flatten(value, path, _tensor_leaf)


def _tensor_leaf(value: Any, path: str) -> Leaf | None:
    import tensorflow as tf

    if isinstance(value, tf.SparseTensor):
        value = tf.sparse.to_dense(value)
    if isinstance(value, tf.RaggedTensor):
        value = value.to_tensor()
    if isinstance(value, (tf.Tensor, tf.Variable)):
        return _array_leaf(path, value.dtype.name, value.numpy())
    if isinstance(value, (np.ndarray, np.generic)):
        return _array_leaf(path, tf.as_dtype(value.dtype).name, np.asarray(value))
    return None


def _array_leaf(path: str, dtype: str, array: np.ndarray) -> Leaf:
    if array.dtype.kind in "SUO":  # tf.string
        return Leaf(path, dtype, tuple(array.shape), None, text=repr(array.tolist())[:MAX_TEXT])
    if np.iscomplexobj(array):
        values = array.astype(np.complex128)
    elif array.dtype == np.bool_:
        values = array
    elif array.dtype.kind in "iu":
        values = array.astype(np.int64)
    else:
        values = array.astype(np.float64)
    return Leaf(path, dtype, tuple(array.shape), values)
