"""Singular points of ops' derivatives, for ``grad_singular_intermediate`` (``oracles.gradcheck``).

An op whose operand sits where the op's derivative is infinite or undefined (``sqrt`` at 0, a
zero divisor, ``asin`` at 1), or is NaN/Inf itself, makes the chain rule multiply 0 by infinity:
one autodiff mode's NaN where another is finite is then no evidence against a rule.  Each
framework has its own table (op names differ); the predicates and the one-line evidence are here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

# Op -> (which operand, a predicate marking its offending elements, what they are in words): where
# the op's derivative is infinite or undefined here, where it breaks the op's contract in
# ``oracles.contracts``.
OperandRule = tuple[int, Callable[[np.ndarray], np.ndarray], str]


def at_zero(x: np.ndarray) -> np.ndarray:
    return x == 0


def not_positive(x: np.ndarray) -> np.ndarray:
    return x <= 0


def not_inside_unit(x: np.ndarray) -> np.ndarray:
    return np.abs(x) >= 1


def at_most_minus_one(x: np.ndarray) -> np.ndarray:
    return x <= -1


def at_most_one(x: np.ndarray) -> np.ndarray:
    return x <= 1


def singular_operand(
    op: str, operands: Mapping[int, np.ndarray], table: Mapping[str, OperandRule]
) -> str | None:
    """``"sqrt at <= 0 (3 elements)"``-like evidence when a floating operand of ``op`` (position ->
    array) is NaN/Inf or sits where ``table`` says ``op``'s derivative is singular, else None."""
    if any(not np.all(np.isfinite(array)) for array in operands.values()):
        return f"an operand of {op} is NaN/Inf"
    return operand_evidence(op, operands, table)


def operand_evidence(
    op: str, operands: Mapping[int, np.ndarray], table: Mapping[str, OperandRule]
) -> str | None:
    """``"<op> at <words> (<n> elements)"`` when ``table``'s predicate for ``op`` marks elements of
    its operand (position -> array), else None."""
    if op not in table:
        return None
    position, at, where = table[op]
    if position not in operands:
        return None
    hits = int(np.count_nonzero(at(operands[position])))
    return f"{op} at {where} ({hits} element{'s' * (hits != 1)})" if hits else None
