"""The pytest plugin: corpus files become tests judged in the real sandbox, with real compiles.

Each test builds a tiny corpus in a pytester directory and runs pytest on it in-process (the
plugin loads from its entry point, as it does for users); only the import check needs a fresh
interpreter.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzfox.input_draws import InputDraw, redraw, scaled_size
from fuzzfox.sandbox.pool import default_cache_dir
from tests.conftest import PROGRAMS, requires_torch

pytest_plugins = ["pytester"]

# pytester points HOME at its own directory; keep the warm Inductor cache of this machine.
CACHE_DIR = default_cache_dir()

LINEAR_FIXED_WIDTH = """\
# target: torch-inductor
# optimization: linear_fixed_width
# description: a Linear(6, 3): inputs whose last size is not 6 are invalid for it
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(6, 3)

    def forward(self, x):
        return self.linear(x).relu()


def make_inputs():
    return (torch.randn(4, 6),)
"""

SYNTAX_ERROR = """\
# target: torch-inductor
# optimization: broken
import torch

def make_inputs(:
    return ()
"""

HEADERLESS_TARGET = """\
# optimization: headerless
import torch


def fn(x):
    return x * 2.0


def make_inputs():
    return (torch.randn(3),)
"""


@pytest.fixture
def corpus(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("FUZZFOX_CACHE_DIR", str(CACHE_DIR))
    return pytester


def copy_programs(pytester: pytest.Pytester, folder: str, *names: str) -> None:
    target = pytester.path / folder
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        (target / name).write_text((PROGRAMS / name).read_text())


def write(pytester: pytest.Pytester, path: str, text: str) -> None:
    file = pytester.path / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # In-process runs import fuzzfox before pytest's assertion rewriter (registered for plugin
    # distributions) could: pytest warns it cannot rewrite modules that nothing here asserts in.
    return pytester.runpytest("-W", "ignore::pytest.PytestAssertRewriteWarning", *args)


def fuzzfox_line(result: pytest.RunResult) -> str:
    return next(line for line in result.outlines if line.startswith("fuzzfox: "))


# --- collection, options, marker, header: no program runs ------------------------------------


def test_collects_corpus_files_but_not_a_test_suites_fixture_programs(corpus: pytest.Pytester) -> None:
    copy_programs(corpus, "corpus", "permute_pair.py")
    write(corpus, "corpus/helper.py", "X = 1\n")  # no fuzzfox header
    copy_programs(corpus, "suite/programs", "sigmoid_gate.py")
    # A test module stays pytest's even with a fuzzfox header, and makes suite/ a test suite.
    write(corpus, "suite/test_suite.py", "# target: torch-inductor\ndef test_suite():\n    pass\n")

    both = run(corpus, "--co", "-q", "corpus", "suite")
    assert sorted(line for line in both.outlines if "::" in line) == [
        "corpus/permute_pair.py::joint_graph.pointless_permute_pair",
        "suite/test_suite.py::test_suite",
    ]
    # Named directly (the file, or a directory without test modules), a fixture program is a test.
    for argument in ("suite/programs/sigmoid_gate.py", "suite/programs"):
        direct = run(corpus, "--co", "-q", argument)
        assert [line for line in direct.outlines if "::" in line] == [
            "suite/programs/sigmoid_gate.py::pointwise_fusion"
        ]


def test_a_program_outside_the_rootdir_is_named_by_its_path(corpus: pytest.Pytester) -> None:
    copy_programs(corpus, "elsewhere", "permute_pair.py")
    (corpus.path / "root").mkdir()
    collected = run(corpus, "--co", "-q", "--rootdir=root", "elsewhere/permute_pair.py")
    node = "elsewhere/permute_pair.py::joint_graph.pointless_permute_pair"
    assert [line for line in collected.outlines if "::" in line] == [node]
    deselected = run(corpus, "--co", "-q", "--rootdir=root", "elsewhere/permute_pair.py", "--deselect", node)
    assert not [line for line in deselected.outlines if "::" in line]


def test_options_ini_marker_and_header(corpus: pytest.Pytester) -> None:
    copy_programs(corpus, "corpus", "permute_pair.py")
    write(corpus, "corpus/headerless.py", HEADERLESS_TARGET)
    corpus.makeini(
        """
        [pytest]
        fuzzfox_oracle = values,grads
        fuzzfox_jobs = 3
        fuzzfox_timeout = 45
        """
    )
    from_ini = run(corpus, "--co", "-q", "corpus")
    from_ini.assert_outcomes()  # collection only, nothing ran
    header = fuzzfox_line(from_ini)
    assert "targets torch-inductor (torch " in header
    assert "oracles values,grads" in header
    assert "backends default" in header
    assert "jobs 3" in header
    assert "timeout 45s" in header
    assert "2 programs + 0 hypothesis draws" in header

    overridden = run(
        corpus,
        *("--co", "-q", "corpus", "--fuzzfox-jobs", "1", "--fuzzfox-target", "no-such-target"),
        *("--fuzzfox-backends", "aot_eager,faulty_sigmoid", "--fuzzfox-hypothesis", "2"),
    )
    header = fuzzfox_line(overridden)
    assert "jobs 1" in header
    assert "backends aot_eager,faulty_sigmoid" in header
    assert "no-such-target (unknown)" in header  # the headerless file took the option's target
    assert "2 programs + 4 hypothesis draws" in header
    assert "corpus/headerless.py::headerless[draw-2]" in overridden.outlines

    deselected = run(corpus, "--co", "-q", "corpus", "-m", "not fuzzfox")
    assert not [line for line in deselected.outlines if "::" in line]
    selected = run(corpus, "--co", "-q", "corpus", "-m", "fuzzfox", "--strict-markers")
    assert len([line for line in selected.outlines if "::" in line]) == 2

    bad = run(corpus, "--co", "corpus", "--fuzzfox-jobs", "zero")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    assert "fuzzfox_jobs: 'zero' is not a number" in bad.stderr.str()


def test_the_plugin_loads_without_importing_a_framework(corpus: pytest.Pytester) -> None:
    copy_programs(corpus, "corpus", "permute_pair.py", "cat_no_relu.py")
    script = textwrap.dedent(
        """
        import sys
        import pytest

        code = pytest.main(["--co", "-q", "-p", "no:cacheprovider", "corpus"])
        loaded = sorted(m for m in ("torch", "jax", "tensorflow") if m in sys.modules)
        print("frameworks loaded:", loaded, "exit", int(code))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=corpus.path, capture_output=True, text=True, timeout=120
    )
    assert "fuzzfox: targets torch-inductor" in result.stdout  # the plugin did load
    assert "2 tests collected" in result.stdout
    assert "frameworks loaded: [] exit 0" in result.stdout


def test_programs_of_a_target_whose_framework_is_missing_skip_with_its_reason(
    corpus: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every framework is installed here, so the missing one is simulated: the target says so.
    from fuzzfox.targets.torch.target import TorchInductorTarget

    monkeypatch.setattr(TorchInductorTarget, "missing_reason", lambda self: "torch is not installed (test)")
    copy_programs(corpus, "corpus", "permute_pair.py")
    result = run(corpus, "corpus", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] corpus/permute_pair.py:1: torch is not installed (test)"])


# --- the input draws, in-process ---------------------------------------------------------------


@given(st.integers(0, 10_000), st.floats(0.5, 1.5))
def test_a_drawn_size_stays_within_half_of_the_recorded_one(size: int, factor: float) -> None:
    drawn = scaled_size(size, factor)
    assert drawn == size if size <= 1 else max(1, size / 2) <= drawn <= size * 1.5


def test_a_draw_keeps_ranks_dtypes_and_ranges_and_maps_equal_sizes_together() -> None:
    recorded = (
        np.random.default_rng(0).normal(size=(4, 6)).astype(np.float32),
        np.arange(6),
        np.array([True, False, True, True]),
        2.5,
    )
    draw = InputDraw(seed=7, size_factors=(1.5, 0.5))  # sizes in order: 4 -> 6, 6 -> 3
    drawn, shapes = redraw(recorded, draw)
    assert shapes == [
        "input[0]: float32 (4, 6) -> (6, 3)",
        "input[1]: int64 (6) -> (3)",
        "input[2]: bool (4) -> (6)",
    ]
    floats, integers, flags, number = drawn
    assert (
        floats.dtype == np.float32 and recorded[0].min() <= floats.min() <= floats.max() <= recorded[0].max()
    )
    assert integers.dtype == np.int64 and 0 <= integers.min() <= integers.max() <= 5
    assert flags.dtype == np.bool_ and number == 2.5
    assert not np.array_equal(floats[:4, :3], recorded[0][:4, :3])  # new values, not a crop
    again, _ = redraw(recorded, draw)
    assert all(np.array_equal(a, b) for a, b in zip(drawn, again, strict=True))  # repeatable


@requires_torch
def test_a_torch_draw_keeps_grad_layout_and_dtypes_numpy_lacks() -> None:
    import torch

    image = torch.randn(2, 3, 8, 8).to(memory_format=torch.channels_last).requires_grad_()
    (drawn_image, drawn_half), shapes = redraw(
        (image, torch.randn(8, dtype=torch.bfloat16)), InputDraw(1, (1.25,))
    )
    assert shapes == [
        "input[0]: float32 (2, 3, 8, 8) -> (2, 4, 10, 10)",
        "input[1]: bfloat16 (8) -> (10)",
    ]
    assert drawn_image.requires_grad and drawn_image.is_leaf
    assert drawn_image.is_contiguous(memory_format=torch.channels_last)
    assert drawn_half.dtype == torch.bfloat16


# --- real runs in the sandbox ------------------------------------------------------------------


@requires_torch
def test_a_correct_corpus_passes_on_its_inputs_and_on_hypothesis_draws(corpus: pytest.Pytester) -> None:
    copy_programs(corpus, "corpus", "cat_no_relu.py")
    write(corpus, "corpus/linear_fixed_width.py", LINEAR_FIXED_WIDTH)
    result = run(corpus, "corpus", "-rA", "--fuzzfox-jobs", "2", "--fuzzfox-hypothesis", "3")
    # Draws are seeded by the program: the same 3 per program every run.  Linear(6, 3) cannot
    # take draw 3 (it changes the width 6): that draw skips, it does not fail.
    result.assert_outcomes(passed=7, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "PASSED corpus/cat_no_relu.py::cat_lowering",
            "PASSED corpus/cat_no_relu.py::cat_lowering[[]draw-3[]]",
            "PASSED corpus/linear_fixed_width.py::linear_fixed_width",
            "SKIPPED [[]1[]] corpus/linear_fixed_width.py:1: draw 3 of 3 is invalid for this program, "
            "not a bug: the program fails without any compiler (RuntimeError: mat1 and mat2 shapes *",
        ]
    )
    assert "3 hypothesis draws" not in fuzzfox_line(result)
    assert "2 programs + 6 hypothesis draws" in fuzzfox_line(result)


@requires_torch
def test_bugs_and_invalid_programs_fail_with_the_verdicts_explanation(corpus: pytest.Pytester) -> None:
    copy_programs(corpus, "corpus", "sigmoid_gate.py", "eager_raises.py", "permute_pair.py")
    write(corpus, "corpus/broken.py", SYNTAX_ERROR)
    result = run(
        corpus,
        *("corpus", "-rA", "--fuzzfox-jobs", "2", "--fuzzfox-hypothesis", "1"),
        *("--fuzzfox-backends", "aot_eager,faulty_sigmoid"),
    )
    # Recorded: sigmoid (bug), eager_raises and broken (invalid) fail, permute passes.
    # Draws: sigmoid's fails, eager_raises' skips (eager raises on it too), permute's passes.
    result.assert_outcomes(passed=2, failed=4, skipped=1)
    output = result.stdout.str()
    # The injected wrong value is caught, explained by Verdict.explain(), with no traceback noise.
    result.stdout.fnmatch_lines(
        [
            "*_ fuzzfox program pointwise_fusion _*",
            "bug: faulty_sigmoid: wrong_value at verification: *",
            "symptom: wrong_value at verification in faulty_sigmoid; blame: faulty_sigmoid",
            "out: max abs err *, max rel err *",
            "rmse vs fp64: compiled *, eager *",
            "program: corpus/sigmoid_gate.py (target torch-inductor)",
            "reproduce: fuzzfox run corpus/sigmoid_gate.py --backends aot_eager,faulty_sigmoid",
        ]
    )
    assert "Traceback" not in output and "def runtest" not in output
    # A failing draw says which draw, with its seed and shapes, and how to reproduce it.
    result.stdout.fnmatch_lines(
        [
            "*_ fuzzfox program pointwise_fusion[[]draw-1[]] _*",
            "bug: faulty_sigmoid: wrong_value at verification: *",
            "hypothesis draw 1 of 1: seed *, size factors (*)",
            "  input[[]0[]]: float32 (8, 32) -> (8, 32)",
            "  input[[]1[]]: float32 (8, 32) -> (8, 32)",
            "reproduce: append these lines to the program, then fuzzfox run it:",
            "  from fuzzfox.input_draws import InputDraw as _FuzzfoxInputDraw",
            "  make_inputs = _FuzzfoxInputDraw(seed=*, size_factors=(*)).wrap(make_inputs)",
        ]
    )
    # Invalid programs fail with their reason: one found by running eager, one by parsing.
    result.stdout.fnmatch_lines(
        [
            "*_ fuzzfox program none _*",
            "invalid: the program fails without any compiler (RuntimeError: mat1 and mat2 shapes *",
        ]
    )
    result.stdout.fnmatch_lines(["*_ fuzzfox program broken _*", "invalid: syntax error at line 5: *"])
    # The correct program stays quiet under the same faulty backend list.
    assert "PASSED corpus/permute_pair.py::joint_graph.pointless_permute_pair" in output
