"""The gradient oracle's framework-neutral core: autodiff modes against each other and against numbers.

A framework describes a program as a scalar function ``L(x) = sum(w * f(x))`` of its floating
inputs ``x`` (fixed random weights ``w`` per output) through :class:`GradientFunctions`; this
module decides, in numpy only, whether its derivatives agree.  Like ``gradcheck``'s fast mode it
compares directional derivatives along random unit directions ``v`` (and ``u``), never full
Jacobians, so the cost does not grow with the number of inputs.

What is compared, in order (the first two in float64, where the derivative *rules* are judged
free of rounding noise; the third in the program's own dtypes, where the *compiler* is judged):

1. First order, per direction ``v``: reverse ``<grad L, v>``, forward ``grad L . v`` and the
   central difference ``(L(x + eps v) - L(x - eps v)) / 2 eps``.
2. Second order, only when first order passed (modes the framework lacks aside):
   reverse-over-reverse ``<H u, v>``, forward-over-reverse ``v^T H u`` and the central
   difference of ``<grad L, u>`` along ``v``.
3. Compiled reverse against eager reverse, with the float64 eager reverse as the referee, by the
   rule of :mod:`oracles.compare` (compiled is wrong only if clearly further from float64 than
   eager is).

Tolerances (``|a - b| <= atol + rtol * scale``):

- autodiff against autodiff (``AUTODIFF_RTOL`` 1e-6, ``AUTODIFF_ATOL`` 1e-10), with ``scale`` the
  larger of ``sum_i |g_i v_i|`` and the two values.  Both sides are exact formulas evaluated in
  float64 (unit roundoff 1.1e-16); scaling by the sum of the absolute terms rather than by the
  result keeps a directional sum that cancels to ~0 from looking like a large relative error, and
  1e-6 leaves ten orders of magnitude for rounding inside long chains, while any wrong formula
  (a missing factor, a wrong sign, a dropped term) is off by far more.
- autodiff against the central difference (``NUMERIC_RTOL`` 1e-3, ``NUMERIC_ATOL`` 1e-5, the
  float64 defaults of ``torch.autograd.gradcheck``; ∇Fuzz uses the same rtol) plus a roundoff
  allowance ``NUMERIC_ROUNDOFF * max|L(x +- h v)| / h``: the difference of two float64 values of
  size ``|L|`` carries an error of a few hundred ulps of ``|L|``, which the division by ``2h``
  magnifies.  Before a mismatch counts, the difference is retried with the larger steps
  ``RETRY_STEP_FACTORS * eps`` (less roundoff); an autodiff value that matches any of them agrees.
- the step ``eps = 1e-6`` (as ``gradcheck``): the central difference's truncation error is
  ``eps^2 / 6 * L'''`` (~1e-13 relative) and its roundoff ``~u |L| / eps`` (~1e-10 relative), so
  1e-6 sits near the optimum ``u^(1/3) ~ 5e-6`` while staying far inside any kink's neighbourhood
  radius (1e-4).

The instability filter (rules in :data:`oracles.instability.RULES`):

- NaN/Inf: when both autodiff values compared are non-finite the derivative is undefined there
  (``grad_nonfinite``, dropped).  When one side only is non-finite (an autodiff mode or the
  central difference), or the central difference disagrees, the function differentiated (``L``,
  or ``<grad L, u>`` for second order) is evaluated at ``x`` and at the central difference's
  points ``x +- eps v``: NaN/Inf at any of them means the function is undefined at ``x`` or the
  step leaves its domain (``log1p`` near -1, ``sqrt`` at 0, a Cholesky factor of a matrix that is
  not positive definite), where one mode giving NaN and another a number is no evidence
  (``grad_nonfinite_loss``, dropped).  Where the function is finite at all three points a
  non-finite value on one side only stays a bug (a wrong rule, e.g. a 0/0 in a derivative).
  The compiled gradient's NaN/Inf where eager's is finite is dropped by the same rule only when
  ``L(x)`` itself is NaN/Inf (in the program's dtypes or in float64) and the mismatch is
  nowhere else.
- ``grad_singular_intermediate``: one autodiff mode is NaN/Inf where the other (or the central
  difference) is finite and ``L`` is finite around ``x``, and the framework names intermediates
  of ``L`` at ``x`` that sit where their own derivative is infinite or undefined (``sqrt`` of 0,
  a division by 0) or are NaN/Inf (a ``where``'s untaken branch): the chain rule multiplies 0 by
  infinity there, and which mode meets the product first is a convention (``jnp.std`` of a
  constant: forward NaN, reverse 0), not a wrong rule.  Without such an intermediate (a rule's own
  0/0) it stays a bug.
- ``grad_contract``: a mismatch against the central difference is dropped when the framework
  names operands of ``L``'s ops at ``x`` that break the precondition the op's gradient is
  documented for (``oracles.contracts``: TF's cross entropy of labels that are no distribution,
  the Cholesky factor of a matrix that is not symmetric): the rule is right for its contract,
  the program is outside it.
- ``grad_precision``: a method evaluated with ``fp64=True`` raises :class:`PrecisionLimited`
  when the program casts below its inputs' precision; float64 differences are then unfair.
- ``grad_nondifferentiable``: a mismatch against the central difference is dropped when, at
  ``neighbours`` random points within ``radius`` of ``x``, the central difference jumps (differs
  from the one at ``x`` beyond the numeric tolerance, or becomes finite/non-finite) or the value
  jumps (the secant from ``x`` to the neighbour disagrees with the derivative at the segment's
  midpoint, which for a smooth function agrees up to ``radius^2 L''' / 24``).
  It is also dropped when ``x`` sits on a kink of an intermediate while ``L`` is smooth there
  (an input exactly on a ``clamp`` bound at a tie of ``amin``: autodiff hands the tie its
  convention's share, ``L`` is flat): every mode that disagreed matches the central difference
  at three random points ``radius`` away.  A wrong rule is wrong on a neighbourhood; a rule wrong
  only on such a measure-zero set is one this oracle gives up.
- ``grad_mode_not_implemented``: a mode raises ``NotImplementedError`` (or
  :class:`ModeNotImplemented`) for an op: a missing feature, not a wrong gradient.
- ``grad_no_fp64_reference``: the program does not run in float64 at all, so there is no
  reference; compiled gradients are still compared (with widened tolerances, as for values).

Stopped gradients: a framework may say (optional attribute ``skip_numeric``, a reason) that its
program stops gradients in a way the central difference cannot hold fixed (torch's ``detach``
and ``no_grad`` blocks): autodiff is then not compared with central differences at all (reverse
against forward and compiled against eager still are).  ``skip_forward`` (a reason) leaves
forward mode out too (torch's forward AD ignores ``no_grad``).  JAX and TF hold their
program's ``stop_gradient`` values fixed in the float64 evaluations instead, so they need
neither.

Other exceptions: eager reverse raising in the program's dtype makes the program ``invalid``
for gradients (e.g. an in-place op autograd cannot differentiate); the other eager modes raising
otherwise is a crash blamed on ``autodiff``; the compiled reverse raising is a crash blamed on the
compiler.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from oracles import instability
from oracles.compare import FLOAT_TOLERANCES, Leaf, Mismatch, compare_runs
from oracles.judge import exception_info
from oracles.phases import GRADIENT_COMPILED_PHASE, GRADIENT_PREFIX, PhaseLog, stage_of
from oracles.verdict import ExceptionInfo, ModeResult, Outcome, Stage, Symptom, Verdict

AUTODIFF_RTOL = 1e-6
AUTODIFF_ATOL = 1e-10
NUMERIC_RTOL = 1e-3
NUMERIC_ATOL = 1e-5
NUMERIC_ROUNDOFF = 2.0**-43  # ~1000 float64 ulps of |L|
KINK_NEIGHBOURS = 3  # random points where a mode must match the central difference again
RETRY_STEP_FACTORS = (10.0, 100.0)
DEFAULT_DTYPE = "float32"  # for functions that do not say their inputs' dtypes

AUTODIFF_BLAME = "autodiff"
COMPILED = "compiled-reverse"
COMPILED_PHASE = GRADIENT_COMPILED_PHASE.removeprefix(GRADIENT_PREFIX)


class PrecisionLimited(Exception):
    """Raised by a ``fp64=True`` method when the program casts below its inputs' precision."""


class ModeNotImplemented(NotImplementedError):
    """Raised (or chained) by a method when the framework lacks that mode for an op."""


class GradientFunctions(Protocol):
    """One framework's view of a program as a scalar function L(x) = sum(w * f(x)) over its
    differentiable (floating) inputs x, with fixed random weights w per output (drawn once, from the seed).
    Every method takes and returns float64 numpy arrays (one per differentiable input); `fp64=True`
    evaluates the program in float64 (inputs and parameters cast), `fp64=False` in the program's own dtypes.
    A method may raise; the core turns that into evidence.

    Optional method ``singular_intermediates(x) -> list[str]``: evidence that intermediates of
    ``L`` at ``x`` sit where their own derivative is infinite or undefined, or are NaN/Inf (none
    when absent).  Optional method ``broken_contracts(x) -> list[str]``: evidence that operands of
    ops of ``L`` at ``x`` break a precondition the op's gradient is documented for (none when
    absent).

    Optional attributes, read with defaults when absent: ``input_dtypes: list[str]`` (the
    program dtype of each input, e.g. ``"float32"``; picks the compiled comparison's tolerances;
    default float32), ``compiler: str`` (blamed for a wrong compiled gradient; default
    ``"compiler"``), and ``skip_numeric`` / ``skip_forward: str | None`` (why central
    differences, or forward mode, are no fair reference for this program: a gradient stop
    they cannot see; read after the first reverse-mode call; default None).
    """

    input_names: list[str]  # e.g. ["input[0]", "input[2]"]

    def value(self, x: list[np.ndarray], *, fp64: bool) -> float: ...

    def reverse(self, x: list[np.ndarray], *, fp64: bool) -> list[np.ndarray]:
        """grad L by reverse mode."""
        ...

    def forward(self, x: list[np.ndarray], v: list[np.ndarray], *, fp64: bool) -> float:
        """grad L . v by forward mode."""
        ...

    def reverse_over_reverse(
        self, x: list[np.ndarray], u: list[np.ndarray], *, fp64: bool
    ) -> list[np.ndarray]:
        """grad_x <grad L(x), u>."""
        ...

    def forward_over_reverse(
        self, x: list[np.ndarray], u: list[np.ndarray], v: list[np.ndarray], *, fp64: bool
    ) -> float:
        """d/de <grad L(x + e v), u> at e=0."""
        ...

    def compiled_reverse(self, x: list[np.ndarray]) -> list[np.ndarray]:
        """grad L through the compiler, in the program's dtypes."""
        ...


@dataclasses.dataclass
class GradOptions:
    directions: int = 3  # random unit tangents v (and u for second order)
    eps: float = 1e-6  # central-difference step in float64: see the module docstring
    neighbours: int = 5  # non-differentiability re-check points
    radius: float = 1e-4
    second_order: bool = True
    seed: int = 0


Arrays = list[np.ndarray]


@dataclasses.dataclass
class _Finding:
    """One piece of evidence: a failed comparison (bug) or one explained away (dropped)."""

    comparison: str
    detail: str
    drop_rule: str | None = None
    symptom: Symptom = Symptom.WRONG_GRADIENT
    stage: Stage = Stage.VERIFICATION
    blame: str = AUTODIFF_BLAME
    leaf: str | None = None
    abs_err: float | None = None
    rel_err: float | None = None
    rmse_compiled: float | None = None
    rmse_eager: float | None = None
    exception: ExceptionInfo | None = None

    @property
    def is_bug(self) -> bool:
        return self.drop_rule is None


class _Failure(Exception):
    """A method raised: carries the original error."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class _Calls:
    """Calls the framework's methods under a phase, timing them and keeping the first error."""

    def __init__(self, phases: PhaseLog) -> None:
        self.phases = phases
        self.modes: dict[str, ModeResult] = {}

    def run(self, phase: str, call: Callable[[], Any]) -> Any:
        name = f"grad:{phase}"
        self.phases.enter(name)
        mode = self.modes.setdefault(name, ModeResult(name, True, 0.0))
        started = time.monotonic()
        try:
            return call()
        except Exception as error:
            mode.ok = False
            # A framework's own phases (e.g. "inductor:compile") say the stage; ours do not.
            mode.stage = Stage.EXECUTION if self.phases.current == name else stage_of(self.phases.current)
            mode.exception = mode.exception or exception_info(error)
            raise _Failure(error) from error
        finally:
            mode.seconds += time.monotonic() - started


def is_not_implemented(error: BaseException) -> bool:
    """NotImplementedError anywhere in the cause/context chain (frameworks wrap errors)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, NotImplementedError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def check_gradients(
    functions: GradientFunctions,
    x: list[np.ndarray],
    options: GradOptions,
    phases: PhaseLog | None = None,
) -> Verdict:
    """Judge one program's gradients at ``x``; raises nothing the functions raise."""
    started = time.monotonic()
    calls = _Calls(phases or PhaseLog())
    x = [np.asarray(a, dtype=np.float64) for a in x]
    if sum(a.size for a in x) == 0:
        return Verdict(Outcome.PASS, "no differentiable inputs: no gradient to check")
    try:
        eager = calls.run("reverse", lambda: functions.reverse(x, fp64=False))
    except _Failure as failure:
        return _eager_reverse_failed(failure, calls, started)
    findings: list[_Finding] = []
    reference: Arrays | None = None
    try:
        reference = calls.run("reverse-fp64", lambda: functions.reverse(x, fp64=True))
    except _Failure as failure:
        findings.append(_no_reference(failure))
    skipped = _skipped(functions)
    if reference is not None:
        findings += _Eager(functions, calls, x, reference, options, skipped).check()
    findings += _compiled(functions, calls, x, eager, reference)
    verdict = _verdict(findings, options, skipped)
    verdict.modes = list(calls.modes.values())
    verdict.seconds = time.monotonic() - started
    return verdict


def _skipped(functions: GradientFunctions) -> dict[str, str]:
    """The references a framework says are unfair for this program: ``{"numeric"|"forward": why}``."""
    reasons = {what: getattr(functions, f"skip_{what}", None) for what in ("numeric", "forward")}
    return {what: str(why) for what, why in reasons.items() if why}


def _describe(info: ExceptionInfo) -> str:
    lines = info.message.strip().splitlines()
    return f"{info.type}: {lines[0][:200] if lines else ''}"


def _eager_reverse_failed(failure: _Failure, calls: _Calls, started: float) -> Verdict:
    info = exception_info(failure.error)
    described = _describe(info)
    if is_not_implemented(failure.error):
        verdict = Verdict(
            Outcome.DROPPED,
            f"reverse mode is not implemented for the program ({described})",
            symptom=Symptom.WRONG_GRADIENT,
            stage=Stage.EXECUTION,
            backend="reverse",
            blame=AUTODIFF_BLAME,
            drop_rule=instability.GRAD_MODE_NOT_IMPLEMENTED,
            exception=info,
        )
    else:
        verdict = Verdict(
            Outcome.INVALID,
            f"eager reverse mode raises, so gradients cannot be checked ({described})",
            exception=info,
        )
    verdict.modes = list(calls.modes.values())
    verdict.seconds = time.monotonic() - started
    return verdict


def _no_reference(failure: _Failure) -> _Finding:
    info = exception_info(failure.error)
    if isinstance(failure.error, PrecisionLimited):
        rule, why = instability.GRAD_PRECISION, "the program loses precision below float64"
    elif is_not_implemented(failure.error):
        rule, why = instability.GRAD_MODE_NOT_IMPLEMENTED, "reverse mode is not implemented in float64"
    else:
        rule, why = instability.GRAD_NO_FP64_REFERENCE, "the program does not run in float64"
    return _Finding(
        "reverse-fp64",
        f"{why} ({_describe(info)})",
        drop_rule=rule,
        stage=Stage.EXECUTION,
        exception=info,
    )


def _mode_failed(comparison: str, failure: _Failure) -> _Finding:
    """An eager mode other than reverse raised: not implemented (dropped), precision, or a crash."""
    if isinstance(failure.error, PrecisionLimited):
        return dataclasses.replace(_no_reference(failure), comparison=comparison)
    info = exception_info(failure.error)
    described = _describe(info)
    if is_not_implemented(failure.error):
        return _Finding(
            comparison,
            f"not implemented ({described})",
            drop_rule=instability.GRAD_MODE_NOT_IMPLEMENTED,
            stage=Stage.EXECUTION,
            exception=info,
        )
    return _Finding(
        comparison,
        f"raises while reverse mode does not ({described})",
        symptom=Symptom.CRASH,
        stage=Stage.EXECUTION,
        exception=info,
    )


# ---------------------------------------------------------------- vector helpers


def _dot(a: Arrays, b: Arrays) -> float:
    return float(sum(np.sum(p * q) for p, q in zip(a, b, strict=True)))


def _abs_dot(a: Arrays, b: Arrays) -> float:
    return float(sum(np.sum(np.abs(p * q)) for p, q in zip(a, b, strict=True)))


def _shift(x: Arrays, v: Arrays, step: float) -> Arrays:
    return [a + step * d for a, d in zip(x, v, strict=True)]


def _random_direction(rng: np.random.Generator, x: Arrays) -> Arrays:
    """A random unit vector over all inputs together (elements drawn N(0, 1), then normalized)."""
    raw = [rng.standard_normal(a.shape) for a in x]
    norm = float(np.sqrt(sum(np.sum(d * d) for d in raw)))
    return [d / norm for d in raw]


def _finite(value: float) -> bool:
    return bool(np.isfinite(value))


def _close(a: float, b: float, scale: float, rtol: float, atol: float) -> bool:
    return abs(a - b) <= atol + rtol * max(scale, abs(a), abs(b))


def _errors(a: float, b: float) -> tuple[float, float]:
    error = abs(a - b)
    return error, error / max(abs(b), NUMERIC_ATOL)


# ---------------------------------------------------------------- eager autodiff vs numbers


@dataclasses.dataclass
class _Directional:
    """One directional derivative to judge: autodiff modes, a scalar function, a direction.

    ``function`` is the scalar whose derivative along ``direction`` the modes compute (``L`` for
    first order, ``<grad L, u>`` for second order); ``scale`` is ``sum_i |g_i v_i|``.
    """

    modes: dict[str, float]
    function: Callable[[Arrays], float]
    direction: Arrays
    scale: float
    label: str  # e.g. "v[1]"
    name: str = "L"  # what ``function`` is, for the evidence
    # each mode's value at another point (the kink check), for the modes that can be re-evaluated
    elsewhere: dict[str, Callable[[Arrays], float]] = dataclasses.field(default_factory=dict)


class _Eager:
    """First- and second-order checks of the eager autodiff rules, in float64."""

    def __init__(
        self,
        functions: GradientFunctions,
        calls: _Calls,
        x: Arrays,
        gradient: Arrays,
        options: GradOptions,
        skipped: dict[str, str] | None = None,
    ) -> None:
        self.functions = functions
        self.calls = calls
        self.x = x
        self.gradient = gradient
        self.options = options
        self.skipped = skipped or {}
        self.rng = np.random.default_rng(options.seed)
        self.failed_modes: set[str] = set()  # a mode that raised once is not called again
        self._evidence: dict[str, list[str]] = {}  # singular_intermediates(x), broken_contracts(x)

    def check(self) -> list[_Finding]:
        findings: list[_Finding] = []
        for index in range(self.options.directions):
            findings += self._first_order(index, _random_direction(self.rng, self.x))
        # Second order only on top of a first order that passed (a mode it lacks is no failure).
        if self.options.second_order and all(
            f.drop_rule == instability.GRAD_MODE_NOT_IMPLEMENTED for f in findings
        ):
            for index in range(self.options.directions):
                u = _random_direction(self.rng, self.x)
                v = _random_direction(self.rng, self.x)
                findings += self._second_order(index, u, v)
        return findings

    def _mode(self, name: str, call: Callable[[], Any], findings: list[_Finding]) -> Any | None:
        """Call one autodiff mode; on failure note it once (in ``findings``) and return None."""
        if name in self.failed_modes or (name.startswith("forward") and "forward" in self.skipped):
            return None
        try:
            return self.calls.run(name, call)
        except _Failure as failure:
            self.failed_modes.add(name)
            findings.append(_mode_failed(name, failure))
            return None

    def _value(self, x: Arrays) -> float:
        return float(self.calls.run("numeric", lambda: self.functions.value(x, fp64=True)))

    def _first_order(self, index: int, v: Arrays) -> list[_Finding]:
        modes = {"reverse": _dot(self.gradient, v)}
        findings: list[_Finding] = []
        forward = self._mode("forward", lambda: self.functions.forward(self.x, v, fp64=True), findings)
        if forward is not None:
            modes["forward"] = float(forward)
        scale = _abs_dot(self.gradient, v)
        elsewhere = {
            "reverse": lambda x: _dot(
                self.calls.run("numeric", lambda: self.functions.reverse(x, fp64=True)), v
            ),
            "forward": lambda x: float(
                self.calls.run("numeric", lambda: self.functions.forward(x, v, fp64=True))
            ),
        }
        directional = _Directional(modes, self._value, v, scale, f"v[{index}]", elsewhere=elsewhere)
        return findings + self._judge(directional)

    def _second_order(self, index: int, u: Arrays, v: Arrays) -> list[_Finding]:
        findings: list[_Finding] = []
        modes: dict[str, float] = {}
        scale = 0.0
        hessian_u = self._mode(
            "reverse-over-reverse",
            lambda: self.functions.reverse_over_reverse(self.x, u, fp64=True),
            findings,
        )
        if hessian_u is not None:
            modes["reverse-over-reverse"] = _dot(hessian_u, v)
            scale = _abs_dot(hessian_u, v)
        hessian_uv = self._mode(
            "forward-over-reverse",
            lambda: self.functions.forward_over_reverse(self.x, u, v, fp64=True),
            findings,
        )
        if hessian_uv is not None:
            modes["forward-over-reverse"] = float(hessian_uv)

        def gradient_along_u(x: Arrays) -> float:
            return _dot(self.calls.run("numeric-second", lambda: self.functions.reverse(x, fp64=True)), u)

        label = f"u[{index}], v[{index}]"
        directional = _Directional(modes, gradient_along_u, v, scale, label, f"<grad L, u[{index}]>")
        return findings + self._judge(directional)

    def _judge(self, d: _Directional) -> list[_Finding]:
        """Autodiff modes against each other, then against the central difference."""
        try:
            return self._judge_or_raise(d)
        except _Failure as failure:
            info = exception_info(failure.error)
            rule = (
                instability.GRAD_PRECISION
                if isinstance(failure.error, PrecisionLimited)
                else instability.GRAD_NO_FP64_REFERENCE
            )
            return [
                _Finding(
                    f"{next(iter(d.modes), 'autodiff')}-vs-numeric",
                    f"the central difference cannot be evaluated ({_describe(info)})",
                    drop_rule=rule,
                    stage=Stage.EXECUTION,
                    exception=info,
                )
            ]

    def _judge_or_raise(self, d: _Directional) -> list[_Finding]:
        names = list(d.modes)
        values = d.modes
        if len(names) == 2:
            first, second = names
            pair = f"{first}-vs-{second}"
            a, b = values[first], values[second]
            if not _finite(a) or not _finite(b):
                if not _finite(a) and not _finite(b):
                    return [
                        _Finding(
                            pair,
                            f"both are non-finite along {d.label} ({a!r}, {b!r})",
                            drop_rule=instability.GRAD_NONFINITE,
                        )
                    ]
                detail = f"{first} {a!r} vs {second} {b!r} along {d.label}"
                undefined = self._undefined(d)
                if undefined:
                    rule = instability.GRAD_NONFINITE_LOSS
                    return [_Finding(pair, f"{detail}; {undefined}", drop_rule=rule)]
                if singular := self._singular():
                    rule = instability.GRAD_SINGULAR_INTERMEDIATE
                    return [_Finding(pair, f"{detail}; {singular}", drop_rule=rule)]
                return [self._mismatch(pair, detail, a, b)]
            if not _close(a, b, d.scale, AUTODIFF_RTOL, AUTODIFF_ATOL):
                if "numeric" in self.skipped:  # no central difference to say which one is off
                    detail = f"{first} {a:.10g} vs {second} {b:.10g} along {d.label}"
                    detail += f" (no central differences: {self.skipped['numeric']})"
                    return [self._mismatch(pair, detail, a, b)]
                agreeing, _ = self._numeric_agreement(d)
                return [self._ad_disagreement(d, pair, agreeing)]
        if not names or "numeric" in self.skipped:
            return []
        agreeing, numeric = self._numeric_agreement(d)
        if all(agreeing.values()):
            return []
        return [self._numeric_disagreement(d, agreeing, numeric)]

    def _ad_disagreement(self, d: _Directional, pair: str, agreeing: dict[str, bool]) -> _Finding:
        """Two modes disagree; the central difference says which one is off (if it can)."""
        first, second = list(d.modes)
        a, b = d.modes[first], d.modes[second]
        detail = f"{first} {a:.10g} vs {second} {b:.10g} along {d.label}"
        if agreeing[first] != agreeing[second]:
            wrong = second if agreeing[first] else first
            right = first if wrong == second else second
            comparison = f"{wrong}-vs-numeric"
            detail += f"; {right} agrees with the central difference, {wrong} does not"
            finding = self._mismatch(comparison, detail, d.modes[wrong], d.modes[right])
            finding.detail += f" (also failed: {pair})"
            return finding
        if not agreeing[first]:  # neither agrees with the central difference
            explained = self._explain(d, [first, second])
            if explained:
                rule, why = explained
                return _Finding(pair, f"{detail}; {why}", drop_rule=rule)
            finding = self._mismatch(pair, detail + "; neither agrees with the central difference", a, b)
            finding.detail += f" (also failed: {first}-vs-numeric, {second}-vs-numeric)"
            return finding
        return self._mismatch(pair, detail + " (both within the central difference's tolerance)", a, b)

    def _numeric_disagreement(self, d: _Directional, agreeing: dict[str, bool], numeric: float) -> _Finding:
        wrong = [name for name, ok in agreeing.items() if not ok]
        comparison = f"{wrong[0]}-vs-numeric"
        detail = ", ".join(f"{name} {d.modes[name]:.10g}" for name in d.modes)
        detail = f"{detail} vs central difference {numeric:.10g} along {d.label}"
        if not _finite(numeric) and not any(_finite(d.modes[name]) for name in wrong):
            return _Finding(comparison, f"{detail}: all non-finite", drop_rule=instability.GRAD_NONFINITE)
        explained = self._explain(d, wrong)
        if explained:
            rule, why = explained
            return _Finding(comparison, f"{detail}; {why}", drop_rule=rule)
        if not all(_finite(d.modes[name]) for name in wrong) and (singular := self._singular()):
            rule = instability.GRAD_SINGULAR_INTERMEDIATE
            return _Finding(comparison, f"{detail}; {singular}", drop_rule=rule)
        finding = self._mismatch(comparison, detail, d.modes[wrong[0]], numeric)
        if len(wrong) > 1:
            finding.detail += f" (also failed: {', '.join(f'{w}-vs-numeric' for w in wrong[1:])})"
        return finding

    def _mismatch(self, comparison: str, detail: str, wrong: float, right: float) -> _Finding:
        abs_err, rel_err = _errors(wrong, right) if _finite(wrong) and _finite(right) else (None, None)
        return _Finding(comparison, detail, abs_err=abs_err, rel_err=rel_err)

    def _numeric_agreement(self, d: _Directional) -> tuple[dict[str, bool], float]:
        """Whether each mode matches the central difference at eps or at a larger retry step;
        and the central difference at eps."""
        steps = [self.options.eps, *(self.options.eps * f for f in RETRY_STEP_FACTORS)]
        agreeing = {name: False for name in d.modes}
        first = float("nan")
        for step in steps:
            numeric, roundoff = self._central_difference(d.function, self.x, d.direction, step)
            if step == steps[0]:
                first = numeric
            if not _finite(numeric):
                break  # left the domain: judged by _explain (grad_nonfinite_loss)
            for name, value in d.modes.items():
                agreeing[name] = agreeing[name] or (
                    _finite(value) and _close(value, numeric, d.scale, NUMERIC_RTOL, NUMERIC_ATOL + roundoff)
                )
            if all(agreeing.values()):
                break
        return agreeing, first

    @staticmethod
    def _central_difference(
        function: Callable[[Arrays], float], x: Arrays, v: Arrays, step: float
    ) -> tuple[float, float]:
        """The central difference along ``v`` and the roundoff allowance it carries."""
        plus = function(_shift(x, v, step))
        minus = function(_shift(x, v, -step))
        with np.errstate(all="ignore"):
            derivative = (plus - minus) / (2.0 * step)
            roundoff = NUMERIC_ROUNDOFF * max(abs(plus), abs(minus)) / step
        return float(derivative), float(roundoff) if _finite(roundoff) else 0.0

    def _explain(self, d: _Directional, wrong: list[str]) -> tuple[str, str] | None:
        """A drop rule and its evidence for the ``wrong`` modes' mismatch against the central
        difference, or None."""
        undefined = self._undefined(d)
        if undefined:
            return instability.GRAD_NONFINITE_LOSS, undefined
        if broken := self._broken_contract():
            return instability.GRAD_CONTRACT, broken
        nonsmooth = self._nonsmooth(d) or self._on_a_kink(d, wrong)
        return (instability.GRAD_NONDIFFERENTIABLE, nonsmooth) if nonsmooth else None

    def _undefined(self, d: _Directional) -> str | None:
        """Evidence that ``d.function`` is NaN/Inf at ``x`` or at the central difference's points
        ``x +- eps v`` (undefined there, or the step leaves its domain), or None."""
        eps = self.options.eps
        centre = d.function(self.x)
        if not _finite(centre):
            return f"{d.name} is {centre!r} at x: undefined there, and so are its derivatives"
        for sign, step in (("+", eps), ("-", -eps)):
            there = d.function(_shift(self.x, d.direction, step))
            if not _finite(there):
                return (
                    f"{d.name} is {there!r} at x {sign} {eps:g} v (finite at x): the central difference's "
                    "step leaves its domain"
                )
        return None

    def _singular(self) -> str | None:
        """The framework's evidence that intermediates of ``L`` at ``x`` sit on a singular point
        of their op (``singular_intermediates``), as one line, or None."""
        found = self._framework_evidence("singular_intermediates")
        if not found:
            return None
        return (
            f"intermediates at a singular point of their op ({', '.join(found[:3])}): the chain "
            "rule meets 0 x infinity there"
        )

    def _broken_contract(self) -> str | None:
        """The framework's evidence that operands of ``L``'s ops at ``x`` break the precondition
        their op's gradient is documented for (``broken_contracts``), as one line, or None."""
        found = self._framework_evidence("broken_contracts")
        if not found:
            return None
        return (
            f"operands break their op's documented contract ({', '.join(found[:3])}): its gradient "
            "is defined for other inputs"
        )

    def _framework_evidence(self, method: str) -> list[str]:
        """What the optional ``method(x)`` of the functions says, asked once; [] when absent."""
        if method not in self._evidence:
            find = getattr(self.functions, method, None)
            self._evidence[method] = list(find(self.x)) if find is not None else []
        return self._evidence[method]

    def _nonsmooth(self, d: _Directional) -> str | None:
        """Evidence that ``x`` is a non-differentiable point of ``d.function``, or None (called
        where ``d.function`` is finite at ``x`` and ``x +- eps v``)."""
        eps, radius = self.options.eps, self.options.radius
        base, _ = self._central_difference(d.function, self.x, d.direction, eps)
        centre = d.function(self.x)
        rng = np.random.default_rng([self.options.seed, 1])
        for _ in range(self.options.neighbours):
            w = _random_direction(rng, self.x)
            neighbour = _shift(self.x, w, radius)
            there, roundoff = self._central_difference(d.function, neighbour, d.direction, eps)
            if _finite(there) != _finite(base) or not _close(
                there, base, d.scale, NUMERIC_RTOL, NUMERIC_ATOL + roundoff
            ):
                return (
                    f"non-differentiable: the central difference is {base:.6g} at x but {there:.6g} "
                    f"at a point {radius:g} away"
                )
            secant = (d.function(neighbour) - centre) / radius
            midpoint, roundoff = self._central_difference(d.function, _shift(self.x, w, radius / 2), w, eps)
            if _finite(secant) != _finite(midpoint) or not _close(
                secant, midpoint, 0.0, NUMERIC_RTOL, NUMERIC_ATOL + roundoff
            ):
                return (
                    f"non-differentiable: the value jumps within {radius:g} of x (secant {secant:.6g} "
                    f"vs derivative {midpoint:.6g} at the midpoint)"
                )
        return None

    def _on_a_kink(self, d: _Directional, wrong: list[str]) -> str | None:
        """Evidence that ``x`` sits on a kink of an intermediate where the whole is smooth, or None.

        An input exactly at a tie of ``amin``/``amax`` or on a ``clamp`` bound (common in bf16 and
        fp16, whose grid holds -0.5 exactly) gets the rule's convention from autodiff (a share of a
        tie, the bound's one-sided derivative) while ``L`` is flat there.  A wrong rule is wrong on
        a neighbourhood; this mismatch is gone at every random point ``radius`` away, where each
        wrong mode matches the central difference again."""
        if not wrong or any(name not in d.elsewhere for name in wrong):
            return None
        eps, radius = self.options.eps, self.options.radius
        rng = np.random.default_rng([self.options.seed, 2])
        for _ in range(KINK_NEIGHBOURS):
            neighbour = _shift(self.x, _random_direction(rng, self.x), radius)
            numeric, roundoff = self._central_difference(d.function, neighbour, d.direction, eps)
            for name in wrong:
                there = d.elsewhere[name](neighbour)
                if not (
                    _finite(there) and _close(there, numeric, d.scale, NUMERIC_RTOL, NUMERIC_ATOL + roundoff)
                ):
                    return None
        return (
            f"on a kink: {', '.join(wrong)} match the central difference at {KINK_NEIGHBOURS} random points "
            f"{radius:g} away (x sits on a tie or a bound of an intermediate, where autodiff follows a "
            "convention)"
        )


# ---------------------------------------------------------------- compiled vs eager


def _compiled(
    functions: GradientFunctions,
    calls: _Calls,
    x: Arrays,
    eager: Arrays,
    reference: Arrays | None,
) -> list[_Finding]:
    compiler = str(getattr(functions, "compiler", "compiler"))
    try:
        compiled = calls.run(COMPILED_PHASE, lambda: functions.compiled_reverse(x))
    except _Failure as failure:
        info = exception_info(failure.error)
        described = _describe(info)
        if is_not_implemented(failure.error):
            return [
                _Finding(
                    COMPILED,
                    f"not implemented by {compiler} ({described})",
                    drop_rule=instability.GRAD_MODE_NOT_IMPLEMENTED,
                    stage=Stage.EXECUTION,
                    blame=compiler,
                    exception=info,
                )
            ]
        return [
            _Finding(
                COMPILED,
                f"the compiled gradient raises, eager does not ({described})",
                symptom=Symptom.CRASH,
                stage=calls.modes[f"grad:{COMPILED_PHASE}"].stage or Stage.EXECUTION,
                blame=compiler,
                exception=info,
            )
        ]
    dtypes = list(getattr(functions, "input_dtypes", None) or [DEFAULT_DTYPE] * len(x))
    names = list(functions.input_names)

    def leaves(arrays: Arrays) -> list[Leaf]:
        return [
            Leaf(f"grad[{name}]", _tolerance_dtype(dtype), np.shape(a), np.asarray(a, dtype=np.float64))
            for name, dtype, a in zip(names, dtypes, arrays, strict=True)
        ]

    def compare(e: Arrays, c: Arrays, r: Arrays | None) -> Mismatch | None:
        return compare_runs(leaves(e), leaves(c), leaves(r) if r is not None else None)

    mismatch = compare(eager, compiled, reference)
    if mismatch is None:
        return []
    finding = _Finding(
        COMPILED,
        f"{mismatch.path}: {mismatch.detail}",
        drop_rule=mismatch.drop_rule,
        blame=compiler,
        leaf=mismatch.path,
        abs_err=mismatch.max_abs_err,
        rel_err=mismatch.max_rel_err,
        rmse_compiled=mismatch.rmse_compiled,
        rmse_eager=mismatch.rmse_eager,
    )
    if finding.is_bug and _only_where_nonfinite(compare, eager, compiled, reference):
        undefined = _nonfinite_loss(functions, calls, x)
        if undefined:
            finding.drop_rule = instability.GRAD_NONFINITE_LOSS
            finding.detail += f"; {undefined}"
    return [finding]


def _only_where_nonfinite(
    compare: Callable[[Arrays, Arrays, Arrays | None], Mismatch | None],
    eager: Arrays,
    compiled: Arrays,
    reference: Arrays | None,
) -> bool:
    """Whether the compiled gradient's mismatch is only at elements where eager or compiled is NaN/Inf."""
    unequal = [np.isfinite(e) != np.isfinite(c) for e, c in zip(eager, compiled, strict=True)]
    if not any(mask.any() for mask in unequal):
        return False
    masks = [~(np.isfinite(e) & np.isfinite(c)) for e, c in zip(eager, compiled, strict=True)]

    def finite_part(arrays: Arrays) -> Arrays:
        return [np.where(mask, 0.0, a) for mask, a in zip(masks, arrays, strict=True)]

    rest = compare(finite_part(eager), finite_part(compiled), finite_part(reference) if reference else None)
    return rest is None or rest.drop_rule is not None


def _nonfinite_loss(functions: GradientFunctions, calls: _Calls, x: Arrays) -> str | None:
    """Why ``L`` is undefined at ``x`` (NaN/Inf in the program's dtypes or in float64), or None."""
    for phase, fp64 in (("value", False), ("numeric", True)):
        try:
            value = float(calls.run(phase, lambda fp64=fp64: functions.value(x, fp64=fp64)))
        except _Failure:
            continue
        if not _finite(value):
            where = "float64" if fp64 else "the program's dtypes"
            return f"L(x) is {value!r} in {where}: the gradient is undefined there"
    return None


def _tolerance_dtype(dtype: str) -> str:
    """A dtype name :mod:`oracles.compare` knows ("torch.float32" and "f32"-style names too)."""
    name = dtype.rsplit(".", 1)[-1]
    short = {"f16": "float16", "bf16": "bfloat16", "f32": "float32", "f64": "float64", "half": "float16"}
    name = short.get(name, name)
    return name if name in FLOAT_TOLERANCES else DEFAULT_DTYPE


# ---------------------------------------------------------------- verdicts


def _verdict(findings: list[_Finding], options: GradOptions, skipped: dict[str, str]) -> Verdict:
    if not findings:
        labels = {"forward": "forward", "numeric": "central differences"}
        compared = ["reverse", *(label for key, label in labels.items() if key not in skipped)]
        checked = f"{', '.join(compared[:-1])} and {compared[-1]}" if len(compared) > 1 else compared[0]
        if options.second_order:
            checked += ", second order"
        checked += f" along {options.directions} directions; compiled reverse"
        checked += "".join(f"; no {labels[key]}: {why}" for key, why in skipped.items())
        return Verdict(Outcome.PASS, f"gradients agree ({checked})")
    bugs = [f for f in findings if f.is_bug]
    # A comparison against the central difference says which mode is wrong: prefer it.
    named = [f for f in bugs if f.comparison.endswith("-vs-numeric")]
    primary = (named or bugs or findings)[0]
    others = [f.comparison for f in findings if f is not primary]
    summary = f"{primary.comparison}: {primary.detail}"
    if others:
        summary += f" [{len(others)} more: {', '.join(dict.fromkeys(others))}]"
    return Verdict(
        Outcome.BUG if primary.is_bug else Outcome.DROPPED,
        summary,
        symptom=primary.symptom,
        stage=primary.stage,
        backend=primary.comparison,
        blame=primary.blame,
        drop_rule=primary.drop_rule,
        exception=primary.exception,
        leaf=primary.leaf,
        max_abs_err=primary.abs_err,
        max_rel_err=primary.rel_err,
        rmse_compiled_vs_fp64=primary.rmse_compiled,
        rmse_eager_vs_fp64=primary.rmse_eager,
    )
