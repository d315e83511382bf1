"""The CLI's tables."""

from __future__ import annotations

from fuzzfox.table import coverage_by_file
from fuzzfox.whitebox.optimization import Optimization


def optimization(ident: str, file: str, cpu: bool = True) -> Optimization:
    return Optimization(ident, "graph_pattern", "p", f"_inductor/fx_passes/{file}", 1, 2, "", (), cpu)


def test_coverage_by_file_counts_triggered_cpu_optimizations_per_file_and_in_all() -> None:
    catalog = [
        optimization("a.x", "a.py"),
        optimization("a.y", "a.py"),
        optimization("a.gpu", "a.py", cpu=False),  # not reachable on CPU: not counted
        optimization("b.x", "b.py"),
    ]
    lines = coverage_by_file(catalog, {"a.x": 3, "a.gpu": 1}).splitlines()
    rows = [line.split() for line in lines[1:]]
    assert rows == [["a.py", "1", "2", "50"], ["b.py", "0", "1", "0"], ["all", "1", "3", "33"]]
