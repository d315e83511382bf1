"""JAX's autodiff rules, from the installed jax: one Optimization per rule registration.

Every top-level registration in ``jax/_src/lax/**/*.py`` becomes one Optimization:

- ``ad.defjvp(p, ...)``, ``ad.defjvp2(p, ...)``, ``ad.primitive_jvps[p] = ...``: the JVP rule
  (id ``lax.<primitive>.jvp``, kind ``jvp_rule``);
- ``ad.defjvp_zero(p)``: a primitive declared to have a zero derivative (``jvp_zero``);
- ``ad.deflinear(p, ...)``, ``ad.deflinear2(p, ...)``, ``ad.defbilinear(p, ...)``,
  ``ad.primitive_transposes[p] = ...``, ``ad.fancy_transposes[p] = ...``: a linear primitive's
  transpose, the rule reverse mode runs (``lax.<primitive>.transpose``, ``transpose_rule``);
- ``ad.primitive_linearizations[p] = ...``: a direct linearization rule, which reverse mode uses
  instead of the JVP (``lax.<primitive>.linearize``, ``linearization_rule``).

The source an analysis LLM reads is the registration, then the rule functions it names (same
module), then the private same-module helpers they call, bounded (public names such as ``mul``
or ``select_n`` are lax's documented operators, which the model knows).  ``fired_lines`` are the first
executable line of each named rule (a rule fires when it runs), or the registration's line for
a lambda.  Primitive names come from the primitive objects themselves, so ``sin_p`` is
``sin``; a registration whose primitive cannot be resolved keeps its expression's text.

Imports jax: run it in a subprocess, ``python -m fuzzfox.targets.jax.extract``.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from fuzzfox.whitebox.optimization import Optimization

MAX_SOURCE_CHARS = 8000
# registration -> (id suffix, kind)
REGISTRATION_CALLS = {
    "defjvp": ("jvp", "jvp_rule"),
    "defjvp2": ("jvp", "jvp_rule"),
    "defjvp_zero": ("jvp_zero", "jvp_zero"),
    "deflinear": ("transpose", "transpose_rule"),
    "deflinear2": ("transpose", "transpose_rule"),
    "defbilinear": ("transpose", "transpose_rule"),
}
REGISTRATION_TABLES = {
    "primitive_jvps": ("jvp", "jvp_rule"),
    "primitive_transposes": ("transpose", "transpose_rule"),
    "fancy_transposes": ("transpose", "transpose_rule"),
    "primitive_linearizations": ("linearize", "linearization_rule"),
}
AD_MODULE = "ad"


def jax_root() -> Path:
    import jax

    return Path(jax.__file__).parent


def rule_files() -> list[Path]:
    return sorted((jax_root() / "_src" / "lax").rglob("*.py"))


@dataclasses.dataclass
class _Module:
    """One parsed source file and its top-level functions."""

    path: Path
    source: str
    tree: ast.Module
    functions: dict[str, ast.FunctionDef]

    @classmethod
    def parse(cls, path: Path) -> _Module:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path))
        functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
        return cls(path, source, tree, functions)

    @functools.cached_property
    def lines(self) -> list[str]:
        return self.source.splitlines()

    def text(self, node: ast.stmt) -> str:
        """A top-level statement's source: whole lines (``ast.get_source_segment`` re-splits the
        file on every call, which is slow on lax.py's ~10,000 lines)."""
        return "\n".join(self.lines[node.lineno - 1 : node.end_lineno])

    @functools.cached_property
    def module_name(self) -> str:
        relative = self.path.with_suffix("").relative_to(jax_root().parent)
        return ".".join(relative.parts)


@dataclasses.dataclass
class Registration:
    """One ``ad.*`` rule registration statement."""

    statement: ast.stmt
    primitive: ast.expr
    rules: list[ast.expr]
    suffix: str
    kind: str
    table: str  # "ad.defjvp", "ad.primitive_transposes", ...


def _ad_attribute(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == AD_MODULE:
        return node.attr
    return None


def registrations(tree: ast.Module) -> list[Registration]:
    """The top-level rule registrations of one module, in source order."""
    found = []
    for statement in tree.body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            call = statement.value
            name = _ad_attribute(call.func)
            if name in REGISTRATION_CALLS and call.args:
                suffix, kind = REGISTRATION_CALLS[name]
                found.append(Registration(statement, call.args[0], call.args[1:], suffix, kind, f"ad.{name}"))
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                if not isinstance(target, ast.Subscript):
                    continue
                name = _ad_attribute(target.value)
                if name in REGISTRATION_TABLES:
                    suffix, kind = REGISTRATION_TABLES[name]
                    found.append(
                        Registration(statement, target.slice, [statement.value], suffix, kind, f"ad.{name}")
                    )
    return found


def _resolve(namespace: Any, expression: ast.expr) -> Any:
    """The object a dotted name (``sin_p``, ``ad_util.stop_gradient_p``) refers to, or None."""
    if isinstance(expression, ast.Name):
        return getattr(namespace, expression.id, None)
    if isinstance(expression, ast.Attribute):
        owner = _resolve(namespace, expression.value)
        return getattr(owner, expression.attr, None) if owner is not None else None
    return None


def primitive_name(module: _Module, expression: ast.expr) -> str:
    try:
        namespace = importlib.import_module(module.module_name)
    except ImportError:
        namespace = None
    primitive = _resolve(namespace, expression) if namespace is not None else None
    name = getattr(primitive, "name", None)
    return name if isinstance(name, str) else ast.unparse(expression)


def _rule_names(rule: ast.expr) -> list[str]:
    """Same-module function names a rule expression refers to (``f``, ``partial(f, ...)``)."""
    if isinstance(rule, ast.Name):
        return [rule.id]
    if isinstance(rule, ast.Call):
        return [name for argument in rule.args for name in _rule_names(argument)]
    return []


def _called_names(node: ast.AST) -> list[str]:
    names = []
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name):
            names.append(inner.func.id)
        elif isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load):
            names.append(inner.id)
    return list(dict.fromkeys(names))


def _first_body_line(function: ast.FunctionDef) -> int:
    body = function.body
    if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[1].lineno  # skip the docstring
    return body[0].lineno


def rule_optimization(module: _Module, registration: Registration) -> Optimization:
    primitive = primitive_name(module, registration.primitive)
    statement_text = module.text(registration.statement)
    rule_functions = [
        module.functions[name]
        for rule in registration.rules
        for name in _rule_names(rule)
        if name in module.functions
    ]
    rule_functions = list({f.name: f for f in rule_functions}.values())
    helpers = [
        module.functions[name]
        for function in rule_functions
        for name in _called_names(function)
        if name.startswith("_") and name in module.functions and name not in {f.name for f in rule_functions}
    ]
    helpers = list({f.name: f for f in helpers}.values())
    parts = [statement_text, *(module.text(f) for f in rule_functions)]
    for helper in helpers:
        text = module.text(helper)
        if sum(len(p) + 2 for p in parts) + len(text) > MAX_SOURCE_CHARS:
            break
        parts.append(text)
    source = "\n\n".join(parts)[:MAX_SOURCE_CHARS]
    fired = tuple(sorted({_first_body_line(f) for f in rule_functions}))
    lambda_lines = {
        node.lineno for rule in registration.rules for node in ast.walk(rule) if isinstance(node, ast.Lambda)
    }
    statement = registration.statement
    lines = [statement.lineno, statement.end_lineno or statement.lineno]
    lines += [line for f in rule_functions for line in (f.lineno, f.end_lineno or f.lineno)]
    return Optimization(
        id=f"lax.{primitive}.{registration.suffix}",
        kind=registration.kind,
        pass_name=registration.table,
        file=module.path.relative_to(jax_root()).as_posix(),
        first_line=min(lines),
        last_line=max(lines),
        source=source,
        fired_lines=tuple(sorted(set(fired) | lambda_lines)),
        cpu=True,
        pattern=statement_text,
    )


def extract() -> list[Optimization]:
    """Every autodiff rule registered in the installed jax's ``_src/lax``, sorted by id.

    A primitive registered twice under the same id (``deflinear2`` then an explicit
    ``primitive_transposes``) keeps the later registration: that is the one JAX uses.
    """
    by_id: dict[str, Optimization] = {}
    for path in rule_files():
        module = _Module.parse(path)
        for registration in registrations(module.tree):
            optimization = rule_optimization(module, registration)
            by_id[optimization.id] = optimization
    return sorted(by_id.values(), key=lambda o: o.id)


def main() -> int:
    import jax

    json.dump(
        {
            "framework": "jax",
            "version": jax.__version__,
            "optimizations": [o.to_dict() for o in extract()],
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
