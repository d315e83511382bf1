"""Inductor's optimizations, from the installed torch: pattern entries, graph pass functions,
and the per-op decompositions and lowerings (:mod:`~fuzzfox.targets.torch.tables`).

The first two sources, one Optimization each:

- every entry of every ``PatternMatcherPass`` (graph patterns, replacements, lowering patterns),
  after running the passes' lazy initializers so the tables are complete.  Their firing is
  observed exactly by wrapping each entry's ``apply``, which Inductor calls only once a match
  passed its ``extra_check`` and is being rewritten (registration at import never calls it);
- top-level functions of ``torch/_inductor/fx_passes/*.py`` that take a graph and rewrite it
  (``remove_noop_ops``, ``constant_fold_uniform_value``...).  Their firing is observed by
  coverage of the lines that mutate the graph, not of the function's entry.

Imports torch: run it in a worker or via ``python -m fuzzfox.targets.torch.extract``.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import gc
import hashlib
import inspect
import json
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fuzzfox.targets.torch.tables import table_optimizations
from fuzzfox.whitebox.optimization import Optimization

MAX_SOURCE_CHARS = 8000
GPU_ONLY_FILES = frozenset({"pad_mm.py", "b2b_gemm.py", "reduced_atomic_contention.py"})
GRAPH_MUTATIONS = frozenset(
    {
        "erase_node",
        "replace_all_uses_with",
        "replace_input_with",
        "call_function",
        "call_module",
        "create_node",
        "inserting_before",
        "inserting_after",
        "replace_by_example",
        "replace_with_graph",
    }
)
GRAPH_PARAMETERS = frozenset({"graph", "gm", "graph_module", "module"})
KIND_BY_ENTRY = {
    "GraphPatternEntry": "graph_pattern",
    "ReplacementPatternEntry": "replacement",
    "LoweringPatternEntry": "lowering_pattern",
}


def fx_passes_dir() -> Path:
    import torch._inductor.fx_passes as fx_passes

    return Path(fx_passes.__file__).parent


def _torch_root() -> Path:
    import torch

    return Path(torch.__file__).parent


def _relative(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(_torch_root()).as_posix()
    except ValueError:
        return path


def initialize_pattern_tables() -> None:
    """Run the lazy initializers that fill the pattern tables at first compile."""
    from torch._inductor.fx_passes import freezing_patterns, joint_graph, post_grad

    for lazy_init in (joint_graph.lazy_init, post_grad.lazy_init, freezing_patterns.lazy_init):
        lazy_init()


def replacement_recipes() -> dict[str, dict[str, Any]]:
    """Fill the pattern tables (first call in the process only: the initializers run once) and
    return what each generated replacement pattern was traced from."""
    with _recording_replacements() as recipes:
        initialize_pattern_tables()
    return recipes


@contextlib.contextmanager
def _recording_replacements() -> Iterator[dict[str, dict[str, Any]]]:
    """Record every ``gen_register_replacement`` call while the tables fill: by the pattern's
    unique name (the entry's ``pattern_name``), the example inputs it was traced with (shape,
    stride, dtype, requires_grad; a 0-d tensor's value), whether it was traced as training
    (``joint_fwd_bwd``) or inference, and its scalar arguments.  That is the recipe of a program
    that holds the pattern (:mod:`fuzzfox.generation.pattern_directed`).

    The fx_passes modules bind the function by name at import, so each is imported first and
    its binding replaced for the duration; an import that fails (a GPU-only module) is skipped."""
    import importlib
    import pkgutil

    import torch._inductor.fx_passes as fx_passes
    from torch._inductor import pattern_matcher

    for info in pkgutil.iter_modules(fx_passes.__path__):
        with contextlib.suppress(Exception):
            importlib.import_module(f"{fx_passes.__name__}.{info.name}")
    original = pattern_matcher.gen_register_replacement
    signature = inspect.signature(original)
    recipes: dict[str, dict[str, Any]] = {}

    def recording(*args: Any, **kwargs: Any) -> Any:
        with contextlib.suppress(Exception):
            bound = signature.bind(*args, **kwargs)
            call = bound.arguments
            recipes[call["unique_name"]] = {
                "search_fn": call["search_fn"].__name__,
                "inputs": [_describe_example(value) for value in call["example_inputs"]],
                "training": getattr(call["trace_fn"], "__name__", "") == "joint_fwd_bwd",
                "scalars": dict(call.get("scalar_workaround") or {}),
                "parameters": list(inspect.signature(call["search_fn"]).parameters),
            }
        return original(*args, **kwargs)

    patched = [
        module
        for name, module in list(sys.modules.items())
        if name.startswith("torch._inductor")
        and getattr(module, "gen_register_replacement", None) is original
    ]
    for module in patched:
        module.gen_register_replacement = recording  # type: ignore[attr-defined]
    try:
        yield recipes
    finally:
        for module in patched:
            module.gen_register_replacement = original  # type: ignore[attr-defined]


def _describe_example(value: Any) -> dict[str, Any]:
    """A JSON description of one example input of a pattern trace."""
    import torch

    if not isinstance(value, torch.Tensor):
        return {"value": value if isinstance(value, (bool, int, float)) else repr(value)}
    described: dict[str, Any] = {
        "shape": list(value.shape),
        "stride": list(value.stride()),
        "dtype": str(value.dtype).removeprefix("torch."),
        "requires_grad": bool(value.requires_grad),
    }
    if value.dim() == 0:
        constant = getattr(value, "constant", None)
        with contextlib.suppress(Exception):
            described["value"] = float(constant if constant is not None else value)
    return described


def _is_instance(value: object, kind: type) -> bool:
    try:
        return isinstance(value, kind)
    except ReferenceError:  # a weak proxy whose referent is gone
        return False


def _global_names(kind: type) -> dict[int, str]:
    """Names like ``post_grad.pass_patterns[1]`` for objects held by Inductor module globals."""
    names: dict[int, str] = {}
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("torch._inductor") or module is None:
            continue
        short = module_name.rsplit(".", 1)[-1]
        for attribute, value in list(vars(module).items()):
            if _is_instance(value, kind):
                names.setdefault(id(value), f"{short}.{attribute}")
            elif isinstance(value, (list, tuple)):
                for index, item in enumerate(value):
                    if _is_instance(item, kind):
                        names.setdefault(id(item), f"{short}.{attribute}[{index}]")
    return names


def pattern_entries() -> Iterator[tuple[str, Any]]:
    """(pass name, entry) for every distinct entry of every PatternMatcherPass alive."""
    from torch._inductor.pattern_matcher import PatternMatcherPass

    seen: set[int] = set()
    passes = [o for o in gc.get_objects() if _is_instance(o, PatternMatcherPass)]
    names = _global_names(PatternMatcherPass)
    for number, table in enumerate(passes):
        name = getattr(table, "pass_name", None) or names.get(id(table), f"pattern_pass_{number}")
        for entries in list(table.patterns.values()):
            for entry in entries:
                if id(entry) not in seen:
                    seen.add(id(entry))
                    yield name, entry


def _pretty_pattern(pattern: Any) -> str:
    from torch._inductor.pattern_matcher import PatternPrettyPrinter

    try:
        return PatternPrettyPrinter.run(pattern)
    except Exception:
        return repr(pattern)


def _function_source(function: Any) -> tuple[str, str, int, int]:
    """(source, file, first line, last line) of a function, seeing through partials."""
    function = inspect.unwrap(getattr(function, "func", function))
    code = function.__code__
    lines, first = inspect.getsourcelines(function)
    return textwrap.dedent("".join(lines)), code.co_filename, first, first + len(lines) - 1


def _body_lines(function: Any) -> tuple[int, ...]:
    """Lines of the function's body, after its docstring: running any of them means it fired."""
    source, _, first, _ = _function_source(function)
    tree = ast.parse(source)
    node = tree.body[0]
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        body = body[1:] or body
    lines = {n.lineno for stmt in body for n in ast.walk(stmt) if hasattr(n, "lineno")}
    return tuple(sorted(first - 1 + line for line in lines))


class _ModuleIndex:
    """Top-level functions of one source file, by name, for finding helpers and search fns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        text = path.read_text()
        self.lines = text.splitlines(keepends=True)
        self.tree = ast.parse(text)
        self.functions = {n.name: n for n in ast.walk(self.tree) if isinstance(n, ast.FunctionDef)}

    def source_of(self, name: str) -> str:
        node = self.functions.get(name)
        if node is None:
            return ""
        return textwrap.dedent("".join(self.lines[node.lineno - 1 : node.end_lineno]))

    def callees(self, source: str) -> list[str]:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return []
        names = [
            n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        ]
        return [n for n in dict.fromkeys(names) if n in self.functions]


_indexes: dict[str, _ModuleIndex] = {}


def _index(path: str) -> _ModuleIndex:
    if path not in _indexes:
        _indexes[path] = _ModuleIndex(Path(path))
    return _indexes[path]


def _with_helpers(source: str, path: str, extra: list[str]) -> str:
    """The rewrite's source, then its extra_check and same-module helpers, within a bound."""
    parts = [source, *extra]
    index = _index(path)
    for name in index.callees(source):
        helper = index.source_of(name)
        if helper and helper not in parts:
            parts.append(helper)
    text = ""
    for part in parts:
        if len(text) + len(part) > MAX_SOURCE_CHARS:
            break
        text += ("\n\n" if text else "") + part
    return text or source[:MAX_SOURCE_CHARS]


def _check_source(entry: Any) -> list[str]:
    check = getattr(entry, "extra_check", None)
    if check is None or getattr(check, "__name__", "") == "_return_true":
        return []
    try:
        return ["# extra_check:\n" + _function_source(check)[0]]
    except (TypeError, OSError, AttributeError):
        return []


def _entry_base(entry: Any) -> tuple[str, str, str] | None:
    """(kind, base id, defining file) of a pattern entry, from cheap facts only."""
    kind = KIND_BY_ENTRY.get(type(entry).__name__)
    if kind is None:
        return None
    if kind == "replacement":
        found = _search_function(getattr(entry, "pattern_name", None) or "")
        if found is None:
            return None
        return kind, f"{Path(found[0]).stem}.{entry.pattern_name}", found[0]
    try:
        path = torch_file(entry.handler)
    except AttributeError:
        return None
    name = getattr(inspect.unwrap(getattr(entry.handler, "func", entry.handler)), "__name__", "handler")
    return kind, f"{Path(path).stem}.{name}", path


def identify_entries() -> list[tuple[str, str, Any]]:
    """(optimization id, pass name, entry) for every pattern entry we can place in the source.

    One handler may serve several patterns: then every one of them is named by its pattern's
    hash, so ids do not depend on the order in which the tables are walked.
    """
    initialize_pattern_tables()
    placed = [
        (base, pass_name, entry, _pretty_pattern(entry.pattern))
        for pass_name, entry in pattern_entries()
        if (base := _entry_base(entry)) is not None
    ]
    patterns_by_base: dict[str, set[str]] = {}
    for (_, ident, _), _, _, pattern in placed:
        patterns_by_base.setdefault(ident, set()).add(pattern)
    named = []
    for (_, ident, _), pass_name, entry, pattern in placed:
        if len(patterns_by_base[ident]) > 1:
            ident = f"{ident}#{hashlib.sha256(pattern.encode()).hexdigest()[:8]}"
        named.append((ident, pass_name, entry))
    return named


def _entry_optimization(ident: str, pass_name: str, entry: Any) -> Optimization | None:
    kind, _, path = _entry_base(entry) or ("", "", "")
    if kind == "replacement":
        found = _search_function(entry.pattern_name)
        assert found is not None
        index = _index(path)
        function = found[1]
        node = index.functions[function]
        replacement = function.replace("pattern", "replacement")
        extra = [index.source_of(replacement)] if replacement != function else []
        source = _with_helpers(
            index.source_of(function), path, [s for s in extra if s] + _check_source(entry)
        )
        first, last, fired = node.lineno, node.end_lineno or node.lineno, ()
    else:
        try:
            handler_source, path, first, last = _function_source(entry.handler)
            fired = _body_lines(entry.handler)
        except (TypeError, OSError, AttributeError):
            return None
        source = _with_helpers(handler_source, path, _check_source(entry))
    return Optimization(
        id=ident,
        kind=kind,
        pass_name=pass_name,
        file=_relative(path),
        first_line=first,
        last_line=last,
        source=source,
        fired_lines=fired,
        cpu=Path(path).name not in GPU_ONLY_FILES,
        pattern=_pretty_pattern(entry.pattern),
    )


def _search_function(pattern_name: str) -> tuple[str, str] | None:
    """(file, function) of a replacement's search function.

    Replacement names are the search function's name plus variant suffixes
    (``_sfdp_pattern_16_half_mask_fp32_training`` comes from ``_sfdp_pattern_16``).
    """
    parts = pattern_name.split("_")
    for end in range(len(parts), 0, -1):
        candidate = "_".join(parts[:end])
        if not candidate.strip("_"):
            break
        for path in sorted(fx_passes_dir().glob("*.py")):
            if candidate in _index(str(path)).functions:
                return str(path), candidate
    return None


def _takes_graph(node: ast.FunctionDef) -> bool:
    args = node.args.args
    if not args:
        return False
    first = args[0]
    annotation = ast.unparse(first.annotation) if first.annotation else ""
    return first.arg in GRAPH_PARAMETERS or "Graph" in annotation


def _mutation_lines(node: ast.FunctionDef) -> tuple[int, ...]:
    lines = set()
    for inner in ast.walk(node):
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Attribute)
            and (inner.func.attr in GRAPH_MUTATIONS)
        ):
            lines.add(inner.lineno)
    return tuple(sorted(lines))


def pass_function_optimizations(handlers: set[tuple[str, str]]) -> list[Optimization]:
    """Top-level graph-rewriting functions of fx_passes that are not pattern handlers."""
    found = []
    for path in sorted(fx_passes_dir().glob("*.py")):
        index = _index(str(path))
        for node in index.tree.body:
            if not isinstance(node, ast.FunctionDef) or not _takes_graph(node):
                continue
            if (str(path), node.name) in handlers:
                continue
            fired = _mutation_lines(node)
            if not fired:
                continue  # reads the graph but never rewrites it: an analysis, not an optimization
            source = _with_helpers(index.source_of(node.name), str(path), [])
            found.append(
                Optimization(
                    id=f"{path.stem}.{node.name}",
                    kind="pass_function",
                    pass_name=path.stem,
                    file=_relative(str(path)),
                    first_line=node.lineno,
                    last_line=node.end_lineno or node.lineno,
                    source=source,
                    fired_lines=fired,
                    cpu=path.name not in GPU_ONLY_FILES,
                )
            )
    return found


def extract() -> list[Optimization]:
    """Every Inductor optimization of the installed torch, sorted by id."""
    by_id: dict[str, Optimization] = {}
    handlers: set[tuple[str, str]] = set()
    recipes = replacement_recipes()
    for ident, pass_name, entry in identify_entries():
        if ident not in by_id and (optimization := _entry_optimization(ident, pass_name, entry)):
            recipe = recipes.get(getattr(entry, "pattern_name", None) or "")
            by_id[ident] = dataclasses.replace(optimization, recipe=recipe) if recipe else optimization
        if (handler := getattr(entry, "handler", None)) is not None:
            handlers.add((torch_file(handler), inspect.unwrap(getattr(handler, "func", handler)).__name__))
    for optimization in pass_function_optimizations(handlers):
        by_id.setdefault(optimization.id, optimization)
    for optimization in table_optimizations(_relative):
        by_id.setdefault(optimization.id, optimization)
    return sorted(by_id.values(), key=lambda o: o.id)


def torch_file(function: Callable[..., Any]) -> str:
    return inspect.unwrap(getattr(function, "func", function)).__code__.co_filename


def main() -> int:
    import torch

    json.dump(
        {
            "framework": "torch",
            "version": torch.__version__,
            "optimizations": [o.to_dict() for o in extract()],
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
