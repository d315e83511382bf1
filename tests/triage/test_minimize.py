"""Delta-debugging minimization: pure-Python predicates (fast), real eager torch, the real sandbox."""

from __future__ import annotations

import ast
import builtins
import copy
import re
import symtable
import time
import types
from collections.abc import Callable

import pytest

from fuzzfox.program import Program, ProgramError, parse_program
from fuzzfox.sandbox.isolation import Limits
from fuzzfox.sandbox.pool import LocalPool, PoolConfig
from fuzzfox.triage.minimize import BATCH_SIZE, count_statements, count_tokens, minimize
from oracles.verdict import Symptom, Verdict
from tests.conftest import judge_in_sandbox, requires_torch

HEADER = "# target: torch-inductor\n# optimization: pointwise_fusion\n# origin: test\n# parent: -\n"

GATED_MODEL = (
    HEADER
    + """import math
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(16, 32, bias=True)
        self.norm = nn.LayerNorm(32)
        self.scale = 0.75

    def forward(self, x, y):
        h = self.linear(x)
        h = self.norm(h)
        g = torch.sigmoid(h * 2.5 + 0.125)
        z = g * y.mean(dim=0, keepdim=True)
        for _ in range(2):
            z = z + 1.0
        w = F.relu(z) * self.scale
        return w.sum(dim=1) + math.pi


def make_inputs():
    return (torch.randn(8, 16), torch.randn(8, 32))
"""
)

SMALLEST_GATED_MODEL = """import torch
import torch.nn as nn


class Model(nn.Module):
    def forward(self, x):
        return torch.sigmoid(x)


def make_inputs():
    return (torch.randn(1, 1),)
"""


def body(program: Program) -> str:
    return "".join(line + "\n" for line in program.source.splitlines() if not line.startswith("#"))


def unbound_names(source: str) -> set[str]:
    """Names some scope reads as globals that the module does not bind (checked with symtable)."""
    module = symtable.symtable(source, "<program>", "exec")
    bound = {s.get_name() for s in module.get_symbols() if s.is_assigned() or s.is_imported()}
    bound |= set(dir(builtins))
    unbound: set[str] = set()
    tables = [module]
    while tables:
        table = tables.pop()
        tables.extend(table.get_children())
        for symbol in table.get_symbols():
            is_global = table is module or symbol.is_global()
            if symbol.is_referenced() and is_global and symbol.get_name() not in bound:
                unbound.add(symbol.get_name())
    return unbound


def calls_sigmoid_on_2d_input(program: Program) -> bool:
    """The pure-Python 'bug': code whose names are all bound calls torch.sigmoid, and make_inputs
    builds a randn of >= 2 dims."""
    if unbound_names(program.source):
        return False
    tree = ast.parse(program.source)
    sigmoid = any(
        isinstance(n, ast.Attribute) and n.attr == "sigmoid" and ast.unparse(n.value) == "torch"
        for n in ast.walk(tree)
    )
    inputs = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "make_inputs")
    two_dims = any(
        isinstance(n, ast.Call) and ast.unparse(n.func) == "torch.randn" and len(n.args) >= 2
        for n in ast.walk(inputs)
    )
    return sigmoid and two_dims


def calls_sigmoid_on_2d_input_batch(programs: list[Program]) -> list[bool]:
    return [calls_sigmoid_on_2d_input(p) for p in programs]


class Recorder:
    """A still_fails that records every batch it is given."""

    def __init__(self, fails: Callable[[Program], bool]) -> None:
        self.fails = fails
        self.batches: list[list[Program]] = []

    def __call__(self, programs: list[Program]) -> list[bool]:
        self.batches.append(list(programs))
        return [self.fails(p) for p in programs]

    @property
    def evaluations(self) -> int:
        return sum(len(batch) for batch in self.batches)


def without_statement(source: str) -> list[str]:
    """Every source that has one statement fewer (bodies that would become empty are skipped)."""
    tree = ast.parse(source)
    variants = []
    for position, node in enumerate(ast.walk(tree)):
        for field in ("body", "orelse"):
            statements = getattr(node, field, None)
            if not isinstance(statements, list) or len(statements) < 2:
                continue
            for index in range(len(statements)):
                copied = copy.deepcopy(tree)
                twin = list(ast.walk(copied))[position]
                del getattr(twin, field)[index]
                variants.append(ast.unparse(copied))
    return variants


# ------------------------------------------------------------------------------ pure-Python predicates


def test_reaches_the_smallest_program_and_keeps_the_header() -> None:
    original = parse_program(GATED_MODEL)
    still_fails = Recorder(calls_sigmoid_on_2d_input)
    result = minimize(original, still_fails)

    assert body(result.program) == SMALLEST_GATED_MODEL
    assert {**original.metadata, "minimized-from": original.id} == result.program.metadata
    assert result.program.source.startswith(HEADER + f"# minimized-from: {original.id}\n")
    assert parse_program(result.program.source).source == result.program.source
    assert (result.statements_before, result.statements_after) == (21, 7)
    assert result.statements_after == count_statements(result.program.source)
    assert (result.tokens_before, result.tokens_after) == (
        count_tokens(GATED_MODEL),
        count_tokens(result.program.source),
    )
    assert result.tokens_after < result.tokens_before / 3
    assert result.verified
    assert result.tests == still_fails.evaluations <= 200


def bundle_of_calls(count: int) -> str:
    """A program like a campaign's OpInfo bundle: ``count`` calls returned in one tuple."""
    calls = ", ".join(
        f"torch.ops.aten.{'round' if n == count - 2 else 'neg'}.default(x{n})" for n in range(count)
    )
    inputs = "".join(f"torch.randn({n + 2}), " for n in range(count))
    return (
        f"{HEADER}import torch\n\n\ndef fn({', '.join(f'x{n}' for n in range(count))}):\n"
        f"    return ({calls})\n\n\ndef make_inputs():\n    return ({inputs})\n"
    )


def test_the_returned_values_are_cut_like_statements_and_the_unread_inputs_go_at_once() -> None:
    """A bundle of 24 calls in one return statement, one of which holds the bug: ddmin over the
    returned values finds it in a few batches, and one edit drops the 23 inputs left unread."""
    still_fails = Recorder(lambda program: "aten.round" in program.source)
    # the expression pass alone took one test a call: 30 tests cut no more than 30 calls' worth
    result = minimize(parse_program(bundle_of_calls(24)), still_fails, budget_tests=30)
    source = result.program.source
    assert source.count("torch.ops.aten.") == 1 and "aten.round" in source, source
    assert source.count("torch.randn(") == 1 and "def fn(x22):" in source, source


SEEDED_TF = """# target: tf-xla
# optimization: math_grad.Sqrt
# origin: test
# parent: -
import numpy as np
import tensorflow as tf


def fn(x0, x1):
    v0 = tf.maximum(x0, tf.one_hot(tf.argmax(x0), 1, dtype=x0.dtype))
    return tf.math.reduce_std(v0) + x1


def make_inputs():
    rng = np.random.default_rng(seed=7)
    x0 = rng.standard_normal((1,)).astype(np.float32)
    return (x0, rng.uniform(0.5, 2.0, size=(2,)))
"""


def test_a_reproducer_keeps_the_seeds_of_its_random_generators() -> None:
    """An unseeded ``default_rng()`` draws new inputs on every run: a reproducer whose verdict
    depends on them passes or fails by chance (a cluster of a fault campaign did, at 58ea253)."""
    result = minimize(parse_program(SEEDED_TF), lambda programs: ["reduce_std" in p.source for p in programs])
    source = result.program.source
    assert count_statements(source) < count_statements(SEEDED_TF)
    assert re.search(r"np\.random\.default_rng\(seed=\d+\)", source), source  # its value may shrink


def test_result_is_one_minimal_for_statements() -> None:
    result = minimize(parse_program(GATED_MODEL), calls_sigmoid_on_2d_input_batch)
    source = result.program.source
    for variant in without_statement(source):
        try:
            smaller = parse_program(variant)
        except ProgramError:
            continue  # no longer a program: not a smaller reproducer
        assert not calls_sigmoid_on_2d_input(smaller), variant


def test_only_well_formed_programs_are_sent_in_batches() -> None:
    still_fails = Recorder(calls_sigmoid_on_2d_input)
    minimize(parse_program(GATED_MODEL), still_fails)
    sent = [p for batch in still_fails.batches for p in batch]
    assert all(1 <= len(batch) <= BATCH_SIZE for batch in still_fails.batches)
    assert any(len(batch) == BATCH_SIZE for batch in still_fails.batches)
    for program in sent:
        assert parse_program(program.source).source == program.source
        compile(program.source, "<candidate>", "exec")
    sources = [p.source for p in sent[:-1]]  # the last one is the verification run of the result
    assert len(sources) == len(set(sources)), "a candidate was sent twice"


def test_budget_of_tests_is_respected() -> None:
    for budget in (1, 2, 7, 15):
        still_fails = Recorder(calls_sigmoid_on_2d_input)
        result = minimize(parse_program(GATED_MODEL), still_fails, budget_tests=budget)
        assert result.tests == still_fails.evaluations <= budget
        assert calls_sigmoid_on_2d_input(result.program)  # the best so far always still fails
        assert result.verified
    assert result.statements_after < result.statements_before


def test_budget_of_seconds_is_respected() -> None:
    def slow(programs: list[Program]) -> list[bool]:
        time.sleep(0.2)
        return calls_sigmoid_on_2d_input_batch(programs)

    result = minimize(parse_program(GATED_MODEL), slow, budget_seconds=1.0)
    assert result.seconds < 1.0 + 2 * 0.2 + 0.5  # one batch may overrun, then the verification
    assert 2 <= result.tests < 10
    assert result.verified and calls_sigmoid_on_2d_input(result.program)
    nothing = minimize(parse_program(GATED_MODEL), slow, budget_seconds=0.0)
    assert (nothing.tests, nothing.verified) == (0, False)


def test_same_answers_give_the_same_result() -> None:
    runs = [Recorder(calls_sigmoid_on_2d_input) for _ in range(2)]
    results = [minimize(parse_program(GATED_MODEL), run) for run in runs]
    assert results[0].program == results[1].program
    assert results[0].tests == results[1].tests
    sent = [[[p.source for p in batch] for batch in run.batches] for run in runs]
    assert sent[0] == sent[1]


def test_a_program_that_does_not_fail_comes_back_unreduced() -> None:
    still_fails = Recorder(lambda program: False)
    result = minimize(parse_program(GATED_MODEL), still_fails)
    assert (result.tests, result.verified) == (1, False)
    assert ast.dump(ast.parse(result.program.source)) == ast.dump(ast.parse(GATED_MODEL))
    assert result.statements_after == result.statements_before


def test_dead_code_removal_is_turned_off_when_it_loses_the_bug() -> None:
    """A 'bug' that needs an unused import: removing dead code with every edit would lose it."""

    def needs_math_import(program: Program) -> bool:
        return "import math" in program.source and calls_sigmoid_on_2d_input(program)

    unused_math = GATED_MODEL.replace("math.pi", "3.0")
    result = minimize(parse_program(unused_math), Recorder(needs_math_import))
    assert body(result.program) == "import math\n" + SMALLEST_GATED_MODEL
    assert result.verified


# ------------------------------------------------------------------------------ real eager torch


LAYER_PROGRAM = (
    HEADER
    + """import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(16, 32)
        self.other = torch.nn.Linear(32, 32)

    def forward(self, x):
        h = self.linear(x)
        h = torch.sigmoid(self.other(h)) * 3.5
        return h.sum()


def make_inputs():
    return (torch.randn(8, 16),)
"""
)


def runs_eagerly_with_linear_and_sigmoid(program: Program) -> bool:
    """Real torch, eager, in this process: the program runs, and still has a Linear and a sigmoid."""
    import torch

    if "torch.nn.Linear" not in program.source or "torch.sigmoid" not in program.source:
        return False
    namespace = types.ModuleType("candidate")
    try:
        exec(compile(program.source, "<candidate>", "exec"), namespace.__dict__)
        with torch.no_grad():
            namespace.Model()(*namespace.make_inputs())
    except Exception:
        return False
    return True


@requires_torch
def test_coupled_sizes_shrink_together_in_real_torch() -> None:
    result = minimize(parse_program(LAYER_PROGRAM), Recorder(runs_eagerly_with_linear_and_sigmoid))
    assert runs_eagerly_with_linear_and_sigmoid(result.program) and result.verified
    assert "self.other" not in result.program.source  # the second layer is dropped with its use
    tree = ast.parse(result.program.source)
    sizes = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and type(n.value) is int]
    assert sizes and max(sizes) == 1, body(result.program)  # Linear(16, 32) and randn(8, 16): all to 1


LOOPY_FN = (
    HEADER
    + """import torch


def helper(t):
    return t * 2.0


def fn(a, b, c):
    s = helper(a)
    for i in range(3):
        s = s + torch.acos(b * 3.0) * i
    if c.sum() > -100:
        out = s - c
    else:
        out = s + c
    return out.mean(dim=0)


def make_inputs():
    return (torch.randn(3, 4), torch.randn(3, 4), torch.randn(3, 4))
"""
)


def nan_from_acos(program: Program) -> bool:
    """Real torch, eager: the output has a NaN and the code still calls torch.acos."""
    import torch

    if "torch.acos" not in program.source:
        return False
    namespace = types.ModuleType("candidate")
    try:
        exec(compile(program.source, "<candidate>", "exec"), namespace.__dict__)
        torch.manual_seed(0)
        out = namespace.fn(*namespace.make_inputs())
    except Exception:
        return False
    return isinstance(out, torch.Tensor) and bool(out.isnan().any())


@requires_torch
def test_helpers_loops_branches_and_unused_inputs_go() -> None:
    result = minimize(parse_program(LOOPY_FN), Recorder(nan_from_acos))
    assert result.verified and (result.statements_before, result.statements_after) == (13, 5)
    expected = "import torch\n\n\ndef fn(a):\n    return torch.acos(a)\n\n\n"
    assert body(result.program) == expected + "def make_inputs():\n    return (torch.randn(1),)\n"


# ------------------------------------------------------------------------------ the real sandbox


SIGMOID_FN = (
    HEADER
    + """import math
import torch
import torch.nn.functional as F


def fn(x, y):
    a = x * 2.0 + 1.0
    b = torch.tanh(a)
    c = torch.sigmoid(b * 0.5)
    d = c * y
    e = F.relu(d) - math.e
    f = e.mean(dim=0)
    return f + 0.25


def make_inputs():
    return (torch.randn(4, 8), torch.randn(4, 8))
"""
)


SIGMOID_MODEL = (
    HEADER
    + """import math
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(16, 32)
        self.norm = nn.LayerNorm(32)
        self.head = nn.Linear(32, 8)
        self.scale = 0.75

    def forward(self, x, y):
        h = self.linear(x)
        h = self.norm(h)
        g = torch.sigmoid(h * 2.5 + 0.125)
        z = g * y.mean(dim=0, keepdim=True)
        for _ in range(2):
            z = z + 1.0
        w = F.relu(z) * self.scale
        o = self.head(w)
        return o.sum(dim=1) + math.pi


def make_inputs():
    return (torch.randn(8, 16), torch.randn(8, 32))
"""
)

FAULTY = ("aot_eager", "faulty_sigmoid")


def is_the_sigmoid_bug(verdict: Verdict) -> bool:
    return verdict.is_bug and verdict.symptom is Symptom.WRONG_VALUE and verdict.backend == "faulty_sigmoid"


@pytest.fixture(scope="module")
def faulty_pool():
    pool = LocalPool(
        PoolConfig("torch-inductor", {"backends": list(FAULTY), "probe": False}, jobs=2, limits=Limits(60))
    )
    pool.start()
    try:
        yield pool
    finally:
        pool.close()


def sandbox_predicate(pool: LocalPool) -> Callable[[list[Program]], list[bool]]:
    def still_fails(programs: list[Program]) -> list[bool]:
        verdicts = {program.id: verdict for program, verdict in pool.run(programs)}
        return [is_the_sigmoid_bug(verdicts[program.id]) for program in programs]

    return still_fails


def check_real_minimization(pool: LocalPool, source: str, ratio: float) -> Program:
    """Minimize through the sandbox; the result is verified, still has the sigmoid, and is small."""
    result = minimize(parse_program(source), sandbox_predicate(pool), budget_tests=120)
    assert result.verified  # run once more after the search, in a fresh forked child
    assert "torch.sigmoid" in result.program.source
    assert result.statements_after <= result.statements_before * ratio, body(result.program)
    assert result.tokens_after <= result.tokens_before * ratio
    return result.program


@requires_torch
def test_minimizes_a_real_wrong_value_through_the_sandbox(faulty_pool) -> None:
    check_real_minimization(faulty_pool, SIGMOID_FN, ratio=1 / 2)


@requires_torch
@pytest.mark.slow
def test_minimizes_a_real_model_to_a_third_and_it_reproduces_in_a_fresh_pool(faulty_pool) -> None:
    minimized = check_real_minimization(faulty_pool, SIGMOID_MODEL, ratio=1 / 3)
    fresh = judge_in_sandbox([minimized], backends=FAULTY, fresh=True)  # nothing shared but disk caches
    assert is_the_sigmoid_bug(next(iter(fresh.values())))
