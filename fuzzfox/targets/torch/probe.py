"""Which Inductor optimizations a compile reached, observed without a patched torch.

Pattern entries: each entry's ``apply`` is wrapped (on the instance, in the worker, before any
program is forked) to record the entry's optimization id.  Inductor calls ``apply`` only for a
match that passed its ``extra_check`` and is being rewritten, so a rejected match or the
registration at import never counts.  Pass functions: coverage.py, restricted to
``torch/_inductor/fx_passes/*.py``, sees whether a line that mutates the graph ran.
Decompositions and lowerings: the tables' values are wrapped (:mod:`~fuzzfox.targets.torch.tables`).
Inductor's FX-graph and AOTAutograd caches must be off (the worker turns them off): a cache hit
skips the passes.
"""

from __future__ import annotations

import functools
import inspect
from pathlib import Path
from typing import Any

from fuzzfox.targets.torch.extract import (
    fx_passes_dir,
    identify_entries,
    pass_function_optimizations,
    torch_file,
)
from fuzzfox.targets.torch.tables import record_calls


class TriggerProbe:
    def __init__(self) -> None:
        self.fired: set[str] = set()
        record_calls(self.fired)  # decompositions and lowerings
        handlers: set[tuple[str, str]] = set()
        for ident, _, entry in identify_entries():
            entry.apply = functools.partial(self._record, entry.apply, ident)
            if (handler := getattr(entry, "handler", None)) is not None:
                handlers.add(
                    (torch_file(handler), inspect.unwrap(getattr(handler, "func", handler)).__name__)
                )
        self.line_owners: dict[str, dict[int, str]] = {}
        root = fx_passes_dir()
        for optimization in pass_function_optimizations(handlers):
            path = str((root / Path(optimization.file).name).resolve())
            owners = self.line_owners.setdefault(path, {})
            for line in optimization.fired_lines:
                owners[line] = optimization.id
        self._coverage: Any = None

    def _record(self, apply: Any, ident: str, *args: Any, **kwargs: Any) -> Any:
        self.fired.add(ident)
        return apply(*args, **kwargs)

    def start(self) -> None:
        import coverage

        self.fired.clear()
        # Only files holding graph-rewriting pass functions: tracing fewer files costs less.
        self._coverage = coverage.Coverage(
            data_file=None, include=sorted(self.line_owners), config_file=False, branch=False
        )
        self._coverage.start()

    def stop(self) -> list[str]:
        """The optimization ids reached since ``start``."""
        assert self._coverage is not None, "stop() without start()"
        self._coverage.stop()
        data = self._coverage.get_data()
        reached = set(self.fired)
        for filename in data.measured_files():
            owners = self.line_owners.get(str(Path(filename).resolve()), {})
            reached.update(owners[line] for line in data.lines(filename) or () if line in owners)
        self._coverage = None
        return sorted(reached)
