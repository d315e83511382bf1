"""Inductor's per-op tables as optimizations: its decompositions and its lowerings.

Many real Inductor bugs live in how one aten op is decomposed (``torch/_decomp``, ``torch/_refs``,
``_inductor/decomposition.py``) or lowered to loops (``_inductor/lowering.py``), not in a pattern
pass.  Each aten op with a written decomposition in the table Inductor compiles with
(``select_decomp_table``), and each with a lowering that is not a fallback to the eager kernel,
is one optimization, named by its op (``decomposition.aten.addmm``, ``lowering.aten.cat``): its
overloads share it.  Generic entries are left out: the composite-implicit decompositions made from
an op's own ``decompose`` (no source of their own) and keys that are no aten-style op (Python
operators, higher-order ops).

Firing is observed by wrapping the table's values in place (in the worker, before any program
runs): a decomposition fires when tracing calls it, a lowering when Inductor lowers a node with
it.  Imports torch: call only in a worker or the extractor's subprocess.
"""

from __future__ import annotations

import functools
import inspect
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

from fuzzfox.targets.torch.op_samples import recorded_calls
from fuzzfox.whitebox.optimization import Optimization

DECOMPOSITION = "decomposition"
LOWERING = "lowering"
MAX_SOURCE_CHARS = 8000
# Op namespaces no single-process CPU program reaches: collectives, distributed, Inductor's tests.
NOT_ON_CPU_NAMESPACES = frozenset(
    {"_c10d_functional", "c10d_functional", "_dtensor", "symm_mem", "fsdp", "_inductor_test"}
)

Table = dict[Any, Callable[..., Any]]


def _decomposition_tables() -> list[Table]:
    """The dicts ``select_decomp_table`` builds Inductor's table from (it copies them per compile)."""
    from torch._inductor import decomposition

    return [decomposition.decompositions, decomposition.extra_random_decomps]


def _lowering_tables() -> list[Table]:
    from torch._inductor import lowering

    return [lowering.lowerings]


def _op_name(key: Any) -> str | None:
    """``aten.addmm`` for an aten-style OpOverload or OpOverloadPacket key; None for the others."""
    import torch

    if isinstance(key, torch._ops.OpOverload):
        return str(key._overloadpacket)
    if isinstance(key, torch._ops.OpOverloadPacket):
        return str(key)
    return None


def _own_function(value: Any) -> Callable[..., Any] | None:
    """The Python function a table value runs, if it has source of its own."""
    function = inspect.unwrap(value)
    if isinstance(function, functools.partial):
        function = inspect.unwrap(function.func)
        if function.__name__ == "_special_op_to_decompose_cia":
            return None  # the op's own composite-implicit decomposition: nothing written for it
    return function if hasattr(function, "__code__") else None


def table_entries() -> Iterator[tuple[str, Table, Any, Callable[..., Any]]]:
    """(optimization id, table, key, its function) for every table value this module counts as an
    optimization."""
    from torch._inductor import lowering

    for kind, tables in ((DECOMPOSITION, _decomposition_tables()), (LOWERING, _lowering_tables())):
        for table in tables:
            for key, value in table.items():
                name, function = _op_name(key), _own_function(value)
                if name is None or function is None:
                    continue
                if kind == LOWERING and key in lowering.fallbacks:
                    continue
                yield f"{kind}.{name}", table, key, function


def table_optimizations(relative: Callable[[str], str]) -> list[Optimization]:
    """One optimization per op with a written decomposition or lowering; ``relative`` maps a file
    to its path inside the torch package.  Its recipe holds calls of its op recorded from OpInfo
    samples (:mod:`~fuzzfox.targets.torch.op_samples`), where there are some."""
    keys: dict[str, list[str]] = {}
    functions: dict[str, list[Callable[..., Any]]] = {}
    for ident, _, key, function in table_entries():
        keys.setdefault(ident, []).append(str(key))
        if function not in functions.setdefault(ident, []):
            functions[ident].append(function)
    calls = recorded_calls({ident.split(".", 1)[1] for ident in keys})
    found = []
    for ident, registered in sorted(keys.items()):
        kind, name = ident.split(".", 1)
        first_function = functions[ident][0]
        lines, first = inspect.getsourcelines(first_function)
        sources = [textwrap.dedent("".join(inspect.getsourcelines(f)[0])) for f in functions[ident]]
        heading = f"# {kind} of {name}, registered for: {', '.join(sorted(set(registered)))}\n"
        found.append(
            Optimization(
                id=ident,
                kind=kind,
                pass_name=kind,
                file=relative(first_function.__code__.co_filename),
                first_line=first,
                last_line=first + len(lines) - 1,
                source=(heading + "\n\n".join(sources))[:MAX_SOURCE_CHARS],
                fired_lines=(),
                cpu=name.split(".", 1)[0] not in NOT_ON_CPU_NAMESPACES,
                recipe={"calls": calls[name]} if name in calls else None,
            )
        )
    return found


def record_calls(fired: set[str]) -> None:
    """Wrap every counted table value in place so that calling it adds its id to ``fired``."""
    for ident, table, key, _ in list(table_entries()):
        table[key] = _recording(table[key], ident, fired)


def _recording(value: Callable[..., Any], ident: str, fired: set[str]) -> Callable[..., Any]:
    @functools.wraps(value)
    def recorded(*args: Any, **kwargs: Any) -> Any:
        fired.add(ident)
        return value(*args, **kwargs)

    return recorded
