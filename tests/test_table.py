"""The CLI's tables."""

from __future__ import annotations

from fuzzfox.table import coverage_by_file
from fuzzfox.whitebox.optimization import Optimization


def optimization(ident: str, file: str, cpu: bool = True, kind: str = "graph_pattern") -> Optimization:
    return Optimization(ident, kind, "p", f"_inductor/fx_passes/{file}", 1, 2, "", (), cpu)


def test_coverage_by_file_counts_triggered_cpu_optimizations_per_file_and_in_all() -> None:
    catalog = [
        optimization("a.x", "a.py"),
        optimization("a.y", "a.py"),
        optimization("a.gpu", "a.py", cpu=False),  # not reachable on CPU: not counted
        optimization("b.x", "b.py"),
    ]
    lines = coverage_by_file(catalog, {"a.x": 3, "a.gpu": 1}).splitlines()
    rows = [line.split() for line in lines[1:]]
    assert rows == [
        ["a.py", "1", "2", "50"], ["b.py", "0", "1", "0"], ["kind:", "graph_pattern", "1", "3", "33"],
        ["all", "1", "3", "33"],
    ]  # fmt: skip


def test_coverage_names_a_file_by_the_fewest_path_parts_that_tell_it_apart_and_counts_each_kind() -> None:
    catalog = [
        Optimization("r.x", "decomposition", "d", "_refs/__init__.py", 1, 2, "", (), True),
        Optimization("f.x", "decomposition", "d", "_refs/nn/functional/__init__.py", 1, 2, "", (), True),
        optimization("q.x", "quantization.py", kind="replacement"),
    ]
    rows = [line.split() for line in coverage_by_file(catalog, {"f.x": 1}).splitlines()[1:]]
    assert [row[0] for row in rows[:3]] == ["_refs/__init__.py", "functional/__init__.py", "quantization.py"]
    assert ["kind:", "decomposition", "1", "2", "50"] in rows and rows[-1] == ["all", "1", "3", "33"]
