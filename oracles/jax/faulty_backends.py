"""Deliberately wrong JAX pieces, for testing that the oracles catch what they should.

A faulty compiled backend (a name in the ``backends`` setting, for the values oracle):

- ``faulty_sin_xla``: ``jax.jit`` with ``sin`` lowered to ``sin(x) * (1 + 1e-3)`` while the
  program is traced and compiled (JAX's caches cleared on both sides of that window); op-by-op
  runs happen outside it and keep the real lowering, so only the compiled result is off;
- ``faulty_sign_zero_xla``: ``sign(0)`` lowered to 1, the same way: wrong only at exact zeros.

Faulty autodiff rules (names in the ``jax_faults`` setting), applied in the forked child just
before its program runs, so neither the worker nor any other program sees them:

- ``select_n_transpose_10993``: JAX issue #10993 re-created on a JAX that has it fixed.  The
  transpose of ``select_n`` with a non-boolean predicate returns zero cotangents, so reverse
  mode (``jacrev``) says (0, 0) where forward mode (``jacfwd``) says (1, 0);
- ``sin_jvp_negated``: ``sin``'s JVP rule says ``-cos(x) * g``.  Reverse mode goes through
  ``sin``'s own linearization rule, which stays right, so reverse and forward disagree;
- ``sin_rules_negated``: the JVP is negated and the linearization rule removed, so reverse mode
  linearizes with the wrong JVP too: the two modes agree and only the numeric derivative
  tells them wrong.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

SIN_ERROR = 1e-3


@contextlib.contextmanager
def faulty_sin_xla() -> Iterator[None]:
    import jax
    import numpy as np
    from jax._src.interpreters import mlir
    from jax._src.lax import lax as lax_internal

    entry = mlir._lowerings[lax_internal.sin_p]
    skew = mlir.lower_fun(lambda y: y * np.array(1.0 + SIN_ERROR, y.dtype), multiple_results=False)

    def skewed_sin(ctx: Any, x: Any, **params: Any) -> Any:
        (sine,) = entry.rule(ctx, x, **params)
        return skew(ctx, sine)

    jax.clear_caches()  # a lowering cached by an earlier jit of the same program would hide it
    mlir.register_lowering(lax_internal.sin_p, skewed_sin)
    try:
        yield
    finally:
        mlir._lowerings[lax_internal.sin_p] = entry
        jax.clear_caches()


@contextlib.contextmanager
def faulty_sign_zero_xla() -> Iterator[None]:
    """``jax.jit`` with ``sign(0)`` lowered to 1 (``x >= 0 ? 1 : -1``), as a rewrite that assumed
    ``x != 0`` would compute it: only an input with exact zeros shows it."""
    import jax
    import jax.numpy as jnp
    from jax._src.interpreters import mlir
    from jax._src.lax import lax as lax_internal

    entry = mlir._lowerings[lax_internal.sign_p]
    jax.clear_caches()
    mlir.register_lowering(
        lax_internal.sign_p,
        mlir.lower_fun(lambda x: jnp.where(x >= 0, 1, -1).astype(x.dtype), multiple_results=False),
    )
    try:
        yield
    finally:
        mlir._lowerings[lax_internal.sign_p] = entry
        jax.clear_caches()


def _select_n_transpose_10993() -> None:
    import numpy as np
    from jax._src import ad_util
    from jax._src.interpreters import ad
    from jax._src.lax import lax as lax_internal

    correct = ad.primitive_transposes[lax_internal.select_n_p]

    def transpose(ct: Any, which: Any, *cases: Any) -> Any:
        if np.dtype(which.dtype) == np.dtype(np.bool_):
            return correct(ct, which, *cases)
        return [None] + [ad_util.Zero(c.aval) if ad.is_undefined_primal(c) else None for c in cases]

    ad.primitive_transposes[lax_internal.select_n_p] = transpose


def _sin_jvp_negated() -> None:
    from jax import lax
    from jax._src.interpreters import ad
    from jax._src.lax import lax as lax_internal

    ad.defjvp(lax_internal.sin_p, lambda g, x, accuracy: lax.mul(g, lax.neg(lax.cos(x, accuracy=accuracy))))


def _sin_jvp_nan_at_zero() -> None:
    """sin's JVP as ``g * cos(x) * (x / x)``: right everywhere but at exact zeros, where it is
    0/0 (NaN) while sin is smooth and no intermediate of the program is singular; reverse mode
    keeps sin's own linearization rule."""
    from jax import lax
    from jax._src.interpreters import ad
    from jax._src.lax import lax as lax_internal

    def jvp(g: Any, x: Any, accuracy: Any) -> Any:
        return lax.mul(lax.mul(g, lax.cos(x, accuracy=accuracy)), lax.div(x, x))

    ad.defjvp(lax_internal.sin_p, jvp)


def _sin_rules_negated() -> None:
    from jax._src.interpreters import ad
    from jax._src.lax import lax as lax_internal

    _sin_jvp_negated()
    ad.primitive_linearizations.pop(lax_internal.sin_p, None)


FAULTY_BACKENDS: dict[str, Callable[[], contextlib.AbstractContextManager[None]]] = {
    "faulty_sin_xla": faulty_sin_xla,
    "faulty_sign_zero_xla": faulty_sign_zero_xla,
}
RULE_FAULTS: dict[str, Callable[[], None]] = {
    "select_n_transpose_10993": _select_n_transpose_10993,
    "sin_jvp_negated": _sin_jvp_negated,
    "sin_rules_negated": _sin_rules_negated,
    "sin_jvp_nan_at_zero": _sin_jvp_nan_at_zero,
}


def inject_rule_faults(names: list[str]) -> None:
    """Break the named autodiff rules in this process (a forked child: it dies with them)."""
    unknown = [name for name in names if name not in RULE_FAULTS]
    if unknown:
        raise ValueError(f"unknown JAX fault {unknown[0]!r} (known: {', '.join(sorted(RULE_FAULTS))})")
    for name in names:
        RULE_FAULTS[name]()
