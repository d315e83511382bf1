"""An Optimization: one rewrite a compiler can make, with the source an analysis LLM reads."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any


@dataclasses.dataclass(frozen=True)
class Optimization:
    id: str  # stable across runs of the same framework version: "<module>.<function>[#<hash>]"
    kind: str  # graph_pattern | replacement | lowering_pattern | pass_function | decomposition | lowering
    pass_name: str  # the pass (or pattern table) it belongs to
    file: str  # relative to the framework package, e.g. "_inductor/fx_passes/joint_graph.py"
    first_line: int
    last_line: int
    source: str  # the rewrite, its extra_check, and same-module helpers it calls (bounded)
    fired_lines: tuple[int, ...]  # lines whose execution means it fired (empty: counted on apply)
    cpu: bool  # can fire on a CPU-only machine
    pattern: str = ""  # the matched pattern, pretty-printed, when there is one
    # how the framework traced the pattern (example inputs, training or not, scalar arguments),
    # for the replacements it generates from a search function; for a decomposition or a
    # lowering, calls of its op recorded from OpInfo samples ({"calls": [...]}); None for the others
    recipe: dict[str, Any] | None = None

    @property
    def location(self) -> str:
        return f"{self.file}:{self.first_line}"

    @property
    def source_hash(self) -> str:
        return hashlib.sha256(self.source.encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Optimization:
        return cls(**{**data, "fired_lines": tuple(data["fired_lines"])})
