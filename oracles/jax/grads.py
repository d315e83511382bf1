"""JAX's view of a program for the gradient oracle (``oracles.gradcheck.GradientFunctions``).

The scalar function is ``L(x) = sum_k sum(w_k * f(x)_k)`` over the floating outputs of the
program (a complex output contributes ``sum(w_re * real) + sum(w_im * imag)``), with weights
drawn once from the seed, differentiated with respect to the floating inputs; integer, boolean
and complex inputs are held fixed.  The weights are cast to each output's dtype, so with
``fp64=False`` the whole computation stays in the program's dtypes.

Eager rules run op by op (``jax.disable_jit()``): reverse is ``jax.grad``, forward is
``jax.jvp``, second order is ``jax.grad`` of the vector-Jacobian product and ``jax.jvp`` of
``jax.grad``.  ``compiled_reverse`` is ``jax.jit(jax.grad(L))``: XLA compiles the backward
program.  Every method takes and returns float64 numpy arrays.

A ``stop_gradient`` the program calls itself makes autodiff differ from its numeric derivative
on purpose (straight-through estimators, frozen targets).  So the float64 evaluations, which the
central differences use, run a copy of ``L`` whose program-level ``stop_gradient`` outputs are
frozen at their values at the checked point: it has the program's value and derivatives there
(a stop_gradient has a zero derivative, and so has a constant), and its numeric derivative is the
one autodiff means.  Those called inside JAX's own functions are left alone: there they are
value-neutral tricks (``logsumexp``'s shift) or reuse a factorization that must follow its
input (``jnp.linalg.solve`` factors ``stop_gradient(a)``).

A float64 evaluation raises ``PrecisionLimited`` when the program, run on float64 inputs, still
converts a float to a narrower float (``astype(jnp.float32)``, ``reduce_precision``): float64
finite differences are then no fair reference.  A program that cannot be traced by ``jax.jit``
(Python control flow on array values), or that ``jax.jit`` rejects while tracing its gradient
with one of JAX's own API checks (``oracles.jax.compiled.NOT_VALID_JAX``: a carry changing type,
reverse mode through a ``while_loop``, which op by op is a Python loop and differentiates), is
invalid, not a compiler crash, as for values: ``compiled_reverse`` runs ``jax.jit`` through its
stages, each a phase (``xla:trace``, ``xla:compile``, ``xla:execute``), so the phase it raised
in says which.

``singular_intermediates`` evaluates ``L``'s jaxpr at the checked point and names the
intermediates that sit where their own derivative is infinite or undefined (``sqrt`` of 0, a
division by 0, ``asin`` of 1, :data:`SINGULAR_AT`) or are NaN/Inf themselves (a ``where``'s
untaken branch): there the chain rule multiplies 0 by infinity, so one mode's NaN where another
is finite is no evidence against a rule (``jnp.std`` of a constant: forward mode NaN, reverse
mode 0 through the ``select`` transpose).  Bodies of ``custom_jvp``/``custom_vjp`` functions are
not looked into: their rules are written for their singular points.

``rules_used`` names the autodiff rules of ``fuzzfox.targets.jax.extract`` that differentiating
the program runs, as that catalog's ids: the JVP (or zero-JVP) and linearization rules of the
primitives of ``L``, and the transpose rules of the primitives of its linearization.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from oracles import singular
from oracles.gradcheck import COMPILED as COMPILED_REVERSE
from oracles.gradcheck import GradOptions, PrecisionLimited, check_gradients
from oracles.jax.compiled import (
    TRACE_STEP,
    XLA,
    JaxProgram,
    as_jax,
    is_floating,
    make_program_inputs,
    not_valid_jax,
    to_fp64,
)
from oracles.judge import exception_info
from oracles.phases import PhaseLog
from oracles.verdict import Outcome, Verdict

Arrays = list[np.ndarray]
RULE_PREFIX = "lax."
STOP_GRADIENT = "stop_gradient"
PLAIN_CALLS = frozenset({"jit", "pjit", "closed_call"})  # calls whose body is the whole story


# Primitive -> (which operand, where its derivative is infinite or undefined, in words).
SINGULAR_AT: dict[str, singular.OperandRule] = {
    "sqrt": (0, singular.not_positive, "<= 0"),
    "rsqrt": (0, singular.not_positive, "<= 0"),
    "cbrt": (0, singular.at_zero, "0"),
    "log": (0, singular.not_positive, "<= 0"),
    "log1p": (0, singular.at_most_minus_one, "<= -1"),
    "div": (1, singular.at_zero, "a zero divisor"),
    "pow": (0, singular.not_positive, "a base <= 0"),
    "asin": (0, singular.not_inside_unit, "|x| >= 1"),
    "acos": (0, singular.not_inside_unit, "|x| >= 1"),
    "atanh": (0, singular.not_inside_unit, "|x| >= 1"),
    "erf_inv": (0, singular.not_inside_unit, "|x| >= 1"),
    "acosh": (0, singular.at_most_one, "<= 1"),
}


def check(program: JaxProgram, options: GradOptions, phases: PhaseLog | None = None) -> Verdict:
    """Judge one program's gradients (``oracles.gradcheck``) at its own inputs."""
    phases = phases or PhaseLog()
    try:
        functions = JaxGradientFunctions(
            program.function, make_program_inputs(program, options.seed), options.seed, phases
        )
    except Exception as error:
        info = exception_info(error)
        return Verdict(
            Outcome.INVALID,
            f"the program fails before any gradient ({info.type}: {info.message[:200]})",
            exception=info,
        )
    if not functions.differentiable:
        return Verdict(Outcome.PASS, "no floating input or no floating output: no gradient to check")
    verdict = check_gradients(functions, functions.initial_point(), options, phases)
    # The compiled gradient runs last: the phase it raised in is still the current one.
    why = not_valid_jax(verdict.exception, phases.current if verdict.backend == COMPILED_REVERSE else None)
    if why:
        verdict.outcome = Outcome.INVALID
        verdict.summary = why
        return verdict
    with contextlib.suppress(Exception):  # the rules are a trigger record, not evidence
        verdict.triggers = functions.rules_used(functions.initial_point())
    return verdict


class JaxGradientFunctions:
    compiler = XLA

    def __init__(
        self, function: Callable[..., Any], inputs: tuple[Any, ...], seed: int, phases: PhaseLog | None = None
    ) -> None:
        import jax

        self.function = function
        self.inputs = inputs
        self.phases = phases or PhaseLog()
        self._narrowing: list[str] | None = None
        self._frozen: Callable[..., Any] | None = None
        self.positions = [
            i
            for i, value in enumerate(inputs)
            if isinstance(value, (np.ndarray, np.generic)) and is_floating(value.dtype)
        ]
        self.input_names = [f"input[{i}]" for i in self.positions]
        self.dtypes = [np.asarray(inputs[i]).dtype for i in self.positions]
        self.input_dtypes = [str(dtype) for dtype in self.dtypes]
        outputs = jax.tree_util.tree_leaves(jax.eval_shape(function, *inputs))
        rng = np.random.default_rng(seed)
        self.weights: list[tuple[np.ndarray, ...]] = []
        for output in outputs:
            if is_floating(output.dtype):
                self.weights.append((rng.standard_normal(output.shape),))
            elif np.issubdtype(output.dtype, np.complexfloating):
                self.weights.append((rng.standard_normal(output.shape), rng.standard_normal(output.shape)))
            else:
                self.weights.append(())

    @property
    def differentiable(self) -> bool:
        """Whether there is anything to differentiate: a floating input and a floating output."""
        return bool(self.positions) and any(self.weights)

    def initial_point(self) -> Arrays:
        """The program's own inputs, as the float64 point the gradients are checked at."""
        return [np.asarray(self.inputs[i], dtype=np.float64) for i in self.positions]

    def loss(self, fp64: bool) -> Callable[..., Any]:
        """``L`` as a JAX function of the differentiable inputs, in the program's dtypes or float64."""
        import jax
        import jax.numpy as jnp

        base = [to_fp64(value) for value in self.inputs] if fp64 else list(self.inputs)

        def weighted_sum(*differentiable: Any) -> Any:
            arguments = list(base)
            for position, value in zip(self.positions, differentiable, strict=True):
                arguments[position] = value
            arguments = [as_jax(value) for value in arguments]
            outputs = jax.tree_util.tree_leaves(self.function(*arguments))
            total: Any = 0.0  # weakly typed: the sum takes the outputs' dtype
            for output, weights in zip(outputs, self.weights, strict=True):
                output = jnp.asarray(output)
                if len(weights) == 1:
                    total = total + jnp.sum(output * weights[0].astype(output.dtype))
                elif len(weights) == 2:
                    real, imaginary = jnp.real(output), jnp.imag(output)
                    total = total + jnp.sum(real * weights[0].astype(real.dtype))
                    total = total + jnp.sum(imaginary * weights[1].astype(real.dtype))
            return total

        return weighted_sum

    def reference_loss(self) -> Callable[..., Any]:
        """``L`` in float64 with its ``stop_gradient`` outputs frozen at the checked point."""
        if self._frozen is None:
            self._frozen = _freeze_stop_gradients(
                self.loss(fp64=True), [np.asarray(a, dtype=np.float64) for a in self.initial_point()]
            )
        return self._frozen

    def _loss(self, fp64: bool) -> Callable[..., Any]:
        return self.reference_loss() if fp64 else self.loss(fp64=False)

    def _cast(self, arrays: Sequence[np.ndarray], fp64: bool) -> list[np.ndarray]:
        if fp64:
            arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
            if narrowing := self.narrowing_casts(arrays):
                raise PrecisionLimited(f"on float64 inputs the program still casts {', '.join(narrowing)}")
            return arrays
        return [np.asarray(a, dtype=dtype) for a, dtype in zip(arrays, self.dtypes, strict=True)]

    def narrowing_casts(self, x64: list[np.ndarray]) -> list[str]:
        """The float-to-narrower-float conversions of ``L`` run in float64 (found once, traced)."""
        if self._narrowing is None:
            import jax

            try:
                jaxpr = jax.make_jaxpr(self.loss(fp64=True))(*x64)
            except Exception:
                # Not traceable (Python control flow on values): nothing to inspect; the
                # compiled gradient will say so, and check() makes the program invalid.
                self._narrowing = []
                return self._narrowing
            found = {cast for equation in _equations(jaxpr.jaxpr) if (cast := _narrowing_cast(equation))}
            self._narrowing = sorted(found)
        return self._narrowing

    def rules_used(self, x: Arrays) -> list[str]:
        """Catalog ids of the autodiff rules that differentiating the program runs."""
        import jax
        from jax._src.interpreters import ad

        primals = self._cast(x, fp64=False)
        loss = self.loss(fp64=False)
        used = set()
        for equation in _equations(jax.make_jaxpr(loss)(*primals).jaxpr):
            primitive = equation.primitive
            rule = ad.primitive_jvps.get(primitive)
            if rule is not None:
                zero = getattr(rule, "func", None) is ad.zero_jvp
                used.add(f"{RULE_PREFIX}{primitive.name}.{'jvp_zero' if zero else 'jvp'}")
            if primitive in ad.primitive_linearizations:
                used.add(f"{RULE_PREFIX}{primitive.name}.linearize")
        _, linear = jax.linearize(loss, *primals)
        for equation in _equations(jax.make_jaxpr(linear)(*primals).jaxpr):
            if equation.primitive in ad.primitive_transposes or equation.primitive in ad.fancy_transposes:
                used.add(f"{RULE_PREFIX}{equation.primitive.name}.transpose")
        return sorted(used)

    def singular_intermediates(self, x: Arrays) -> list[str]:
        """The intermediates of ``L`` at ``x`` (program dtypes and float64) that sit where their
        op's derivative is infinite or undefined, or are NaN/Inf themselves; [] if none or if
        ``L`` cannot be traced."""
        import jax

        found: set[str] = set()
        for fp64 in (False, True):
            # not _cast: a program that narrows its float64 inputs is still looked into
            primals = [np.asarray(a, dtype=np.float64) for a in x] if fp64 else self._cast(x, fp64=False)
            try:
                closed = jax.make_jaxpr(self.loss(fp64))(*primals)
                with jax.disable_jit(), np.errstate(all="ignore"):
                    _evaluate(closed.jaxpr, closed.consts, primals, [], iter(()), found.add)
            except Exception:
                continue  # not traceable, or not in float64: no evidence from this run
        return sorted(found)

    def _argnums(self) -> tuple[int, ...]:
        return tuple(range(len(self.positions)))

    def _inner(self, fp64: bool, u: Sequence[np.ndarray]) -> Callable[..., Any]:
        """``x -> <grad L(x), u>``, the function the second-order checks differentiate."""
        import jax
        import jax.numpy as jnp

        gradient = jax.grad(self._loss(fp64), argnums=self._argnums())
        directions = self._cast(u, fp64)

        def inner(*x: Any) -> Any:
            return sum(jnp.vdot(g, d) for g, d in zip(gradient(*x), directions, strict=True))

        return inner

    def value(self, x: Arrays, *, fp64: bool) -> float:
        import jax

        with jax.disable_jit():
            return float(self._loss(fp64)(*self._cast(x, fp64)))

    def reverse(self, x: Arrays, *, fp64: bool) -> Arrays:
        import jax

        with jax.disable_jit():
            gradient = jax.grad(self._loss(fp64), argnums=self._argnums())(*self._cast(x, fp64))
        return _float64(gradient)

    def forward(self, x: Arrays, v: Arrays, *, fp64: bool) -> float:
        import jax

        with jax.disable_jit():
            _, tangent = jax.jvp(self._loss(fp64), tuple(self._cast(x, fp64)), tuple(self._cast(v, fp64)))
        return float(tangent)

    def reverse_over_reverse(self, x: Arrays, u: Arrays, *, fp64: bool) -> Arrays:
        import jax

        with jax.disable_jit():
            gradient = jax.grad(self._inner(fp64, u), argnums=self._argnums())(*self._cast(x, fp64))
        return _float64(gradient)

    def forward_over_reverse(self, x: Arrays, u: Arrays, v: Arrays, *, fp64: bool) -> float:
        import jax

        with jax.disable_jit():
            _, tangent = jax.jvp(self._inner(fp64, u), tuple(self._cast(x, fp64)), tuple(self._cast(v, fp64)))
        return float(tangent)

    def compiled_reverse(self, x: Arrays) -> Arrays:
        """``jax.jit(jax.grad(L))`` through its stages, each a phase, as the values oracle runs jit."""
        import jax

        primals = self._cast(x, fp64=False)
        self.phases.enter(f"{XLA}:{TRACE_STEP}")
        traced = jax.jit(jax.grad(self.loss(fp64=False), argnums=self._argnums())).trace(*primals)
        self.phases.enter(f"{XLA}:compile")
        executable = traced.lower().compile()
        self.phases.enter(f"{XLA}:execute")
        return _float64(jax.block_until_ready(executable(*primals)))


def _float64(arrays: Sequence[Any]) -> Arrays:
    return [np.asarray(a, dtype=np.float64) for a in arrays]


def _equations(jaxpr: Any) -> list[Any]:
    """Every equation of a jaxpr and of the jaxprs nested in its equations' parameters."""
    from jax.extend import core as jax_core

    found = []
    for equation in jaxpr.eqns:
        found.append(equation)
        for parameter in equation.params.values():
            for inner in parameter if isinstance(parameter, (list, tuple)) else [parameter]:
                if isinstance(inner, jax_core.ClosedJaxpr):
                    found += _equations(inner.jaxpr)
                elif isinstance(inner, jax_core.Jaxpr):
                    found += _equations(inner)
    return found


def _narrowing_cast(equation: Any) -> str | None:
    """``"float64->float32"`` for a conversion to a narrower float (or complex), else None."""
    name = equation.primitive.name
    if name not in ("reduce_precision", "convert_element_type"):
        return None
    source = np.dtype(equation.invars[0].aval.dtype)
    if name == "reduce_precision":
        return f"reduce_precision({source})"
    target = np.dtype(equation.outvars[0].aval.dtype)
    same_kind = (is_floating(source) and is_floating(target)) or (
        np.issubdtype(source, np.complexfloating) and np.issubdtype(target, np.complexfloating)
    )
    return f"{source}->{target}" if same_kind and target.itemsize < source.itemsize else None


def _freeze_stop_gradients(loss: Callable[..., Any], x0: list[np.ndarray]) -> Callable[..., Any]:
    """``loss`` with each ``stop_gradient`` output replaced by its value at ``x0``.

    The jaxpr of ``loss`` (traced at ``x0``) is evaluated equation by equation, into the bodies
    of plain calls (``jit``, ``closed_call``), the rest bound as they are; a program without
    ``stop_gradient``, or one that cannot be traced, keeps ``loss`` itself.
    """
    import jax

    try:
        closed = jax.make_jaxpr(loss)(*x0)
    except Exception:
        return loss
    if not any(_program_stop_gradient(e) for e in _equations(closed.jaxpr)):
        return loss
    frozen: list[Any] = []
    with jax.disable_jit():
        _evaluate(closed.jaxpr, closed.consts, x0, frozen, iter(()))
    if not frozen:  # only inside other primitives' jaxprs (scan bodies, ...): not reached
        return loss

    def evaluate(*x: Any) -> Any:
        (result,) = _evaluate(closed.jaxpr, closed.consts, list(x), [], iter(frozen))
        return result

    return evaluate


def _program_stop_gradient(equation: Any) -> bool:
    """A ``stop_gradient`` called by the program itself, not inside a JAX library function.

    Its traceback, innermost first, runs through ``lax.stop_gradient`` and then, right after
    it, leaves the jax package.
    """
    import jax

    if equation.primitive.name != STOP_GRADIENT or equation.source_info.traceback is None:
        return False
    package = str(Path(jax.__file__).parent)
    frames = equation.source_info.traceback.frames
    for index, frame in enumerate(frames):
        if not frame.file_name.startswith(package):
            return index > 0 and frames[index - 1].function_name == STOP_GRADIENT
    return False


def _evaluate(
    jaxpr: Any,
    consts: Any,
    args: Any,
    record: list[Any],
    replay: Iterator[Any],
    singular: Callable[[str], None] | None = None,
) -> list[Any]:
    """``jax.core.eval_jaxpr`` that records (first run) or replays ``stop_gradient`` outputs,
    and tells ``singular`` of every operand at a singular point (:func:`_singular_operand`)."""
    from jax.extend import core as jax_core

    env: dict[Any, Any] = {}

    def read(atom: Any) -> Any:
        return atom.val if isinstance(atom, jax_core.Literal) else env[atom]

    env.update(zip(jaxpr.constvars, consts, strict=True))
    env.update(zip(jaxpr.invars, args, strict=True))
    for equation in jaxpr.eqns:
        inputs = [read(atom) for atom in equation.invars]
        name = equation.primitive.name
        body = equation.params.get("jaxpr") if name in PLAIN_CALLS else None
        if singular is not None and body is None and (evidence := _singular_operand(name, inputs)):
            singular(evidence)
        if _program_stop_gradient(equation):
            value = next(replay, None)
            if value is None:
                value = equation.primitive.bind(*inputs, **equation.params)
                record.append(value)
            outputs = [value]
        elif isinstance(body, jax_core.ClosedJaxpr):
            outputs = _evaluate(body.jaxpr, body.consts, inputs, record, replay, singular)
        else:
            parameters = equation.primitive.get_bind_params(equation.params)
            result = equation.primitive.bind(*inputs, **parameters)
            outputs = result if equation.primitive.multiple_results else [result]
        env.update(zip(equation.outvars, outputs, strict=True))
    return [read(atom) for atom in jaxpr.outvars]


def _singular_operand(primitive: str, inputs: list[Any]) -> str | None:
    """``"sqrt at <= 0"``-like evidence when a floating operand of ``primitive`` is NaN/Inf or sits
    where the primitive's derivative is infinite or undefined (:data:`SINGULAR_AT`), else None."""
    arrays = {i: np.asarray(value) for i, value in enumerate(inputs)}
    floating = {i: array for i, array in arrays.items() if is_floating(array.dtype)}
    return singular.singular_operand(primitive, floating, SINGULAR_AT)
