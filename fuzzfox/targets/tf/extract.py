"""TensorFlow's gradient registrations, from the installed TF: one Optimization per registered op.

TF's reverse-mode rules live in ``tensorflow/python/ops/*_grad.py`` as functions registered with
``@ops.RegisterGradient("OpName")`` (or ``ops.RegisterGradient("OpName")(function)``); forward
mode is derived from them, so they are the whole of TF's autodiff for those ops.  Each becomes an
Optimization of kind ``gradient`` whose id is ``<module>.<OpName>`` (``math_grad.Tanh``), whose
source is the function plus the same-module helpers it calls, and whose fired line is the first
statement of its body (any call of a gradient function is the rule firing).
``ops.NotDifferentiable("OpName")`` declarations carry no code to analyze and are left out.

The files are parsed, not imported: extraction needs no TensorFlow import (which takes ~5 s), only
its location.  Run it as ``python -m fuzzfox.targets.tf.extract`` (what ``fuzzfox optimizations``
does through ``fuzzfox.whitebox.catalog``).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path

from fuzzfox.whitebox.optimization import Optimization

GRADIENT_FILES = "python/ops/*_grad.py"
MAX_SOURCE_CHARS = 8000
# Gradients of ops that only have GPU kernels.
GPU_ONLY_FILES = frozenset({"cudnn_rnn_grad.py"})
DISTRIBUTIONS = ("tensorflow", "tensorflow-cpu", "tensorflow-intel", "tensorflow-macos", "tf-nightly")


def tensorflow_root() -> Path:
    """The installed ``tensorflow`` package directory, found without importing it."""
    spec = importlib.util.find_spec("tensorflow")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("tensorflow is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def tensorflow_version() -> str:
    """The installed TF's version, from whichever distribution provides it (e.g. tensorflow-cpu)."""
    import importlib.metadata

    for distribution in DISTRIBUTIONS:
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "absent"


def _registered_name(call: ast.expr) -> str | None:
    """``"Tanh"`` for ``ops.RegisterGradient("Tanh")`` (or ``RegisterGradient("Tanh")``)."""
    if not (isinstance(call, ast.Call) and len(call.args) == 1):
        return None
    function = call.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
    argument = call.args[0]
    if name == "RegisterGradient" and isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    return None


def registrations(tree: ast.Module) -> list[tuple[str, str]]:
    """(op name, function name) for every gradient registered in a module, in source order."""
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found.extend((op, node.name) for d in node.decorator_list if (op := _registered_name(d)))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            call = node.value
            if (op := _registered_name(call.func)) and call.args and isinstance(call.args[0], ast.Name):
                found.append((op, call.args[0].id))
    return found


def _first_statement_line(function: ast.FunctionDef) -> int:
    body = function.body
    docstring = isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    return body[1].lineno if docstring and len(body) > 1 else body[0].lineno


def _with_helpers(name: str, functions: dict[str, ast.FunctionDef], source: str) -> str:
    """The function's source, then each same-module function it calls (transitively), bounded."""
    order, queue = [], [name]
    while queue:
        current = queue.pop(0)
        if current in order:
            continue
        order.append(current)
        called = {
            n.func.id
            for n in ast.walk(functions[current])
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in functions
        }
        queue.extend(sorted(called))
    text = ""
    for current in order:
        part = ast.get_source_segment(source, functions[current], padded=False) or ""
        if text and len(text) + len(part) + 2 > MAX_SOURCE_CHARS:
            break
        text = f"{text}\n\n{part}" if text else part
    return text[:MAX_SOURCE_CHARS]


def module_optimizations(path: Path, root: Path) -> list[Optimization]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    found = []
    for op, function_name in registrations(tree):
        function = functions.get(function_name)
        if function is None:  # registered from an import: its code is not in this file
            continue
        found.append(
            Optimization(
                id=f"{path.stem}.{op}",
                kind="gradient",
                pass_name=path.stem,
                file=path.relative_to(root).as_posix(),
                first_line=function.lineno,
                last_line=function.end_lineno or function.lineno,
                source=_with_helpers(function_name, functions, source),
                fired_lines=(_first_statement_line(function),),
                cpu=path.name not in GPU_ONLY_FILES,
                pattern=op,
            )
        )
    return found


def extract(root: Path | None = None) -> list[Optimization]:
    """Every gradient registration of the installed TF, sorted by id."""
    root = root or tensorflow_root()
    found = [o for path in sorted(root.glob(GRADIENT_FILES)) for o in module_optimizations(path, root)]
    return sorted(found, key=lambda o: o.id)


def main() -> int:
    json.dump(
        {
            "framework": "tensorflow",
            "version": tensorflow_version(),
            "optimizations": [o.to_dict() for o in extract()],
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
