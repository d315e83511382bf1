"""fuzzfox's judgement layer: differential oracles and the numerical-instability filter.

Usable on its own; imports no LLM code and nothing from ``fuzzfox``.  Frameworks are imported
only inside the functions that need them.
"""

from oracles.compare import Leaf, Mismatch, compare_runs
from oracles.phases import PhaseLog
from oracles.verdict import ExceptionInfo, ModeResult, Outcome, Stage, Symptom, Verdict

__all__ = [
    "ExceptionInfo",
    "Leaf",
    "Mismatch",
    "ModeResult",
    "Outcome",
    "PhaseLog",
    "Stage",
    "Symptom",
    "Verdict",
    "compare_runs",
]
