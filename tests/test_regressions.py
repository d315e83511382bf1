"""Known framework bugs (``corpus/regressions/``): strict expected failures in the pytest plugin.

The header checks run no program.  The plugin runs are real: the TF one (a few seconds) is the
cheap proof, the torch one compiles with Inductor and is marked slow.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fuzzfox.program import EXPECTATION_REQUIRED, SYMPTOMS, ProgramError, load_program, parse_program
from fuzzfox.sandbox.pool import default_cache_dir
from fuzzfox.targets import get_target
from oracles.verdict import Symptom
from tests.conftest import PROGRAMS, ROOT, requires_tf, requires_torch

pytest_plugins = ["pytester"]

REGRESSIONS = ROOT / "corpus" / "regressions"
KNOWN_PROGRAMS = sorted(REGRESSIONS.glob("*/*.py"))
TF_BUG = REGRESSIONS / "tf-xla" / "tensor_scatter_add_forward_over_reverse.py"
TORCH_FOLDING_BUG = REGRESSIONS / "torch-inductor" / "freezing_binary_folding_conv_transpose.py"
CACHE_DIR = default_cache_dir()  # pytester moves HOME: keep this machine's warm Inductor cache


PLAIN = """\
# target: torch-inductor
# optimization: plain
import torch


def fn(x):
    return x * 2.0


def make_inputs():
    return (torch.randn(3),)
"""


def edited(path: Path, **keys: str | None) -> str:
    """The program with header keys replaced (None: removed)."""
    lines = []
    for line in path.read_text().splitlines():
        match = re.match(r"^# ([\w-]+): ", line)
        if match and match.group(1) in keys:
            if keys[match.group(1)] is not None:
                lines.append(f"# {match.group(1)}: {keys[match.group(1)]}")
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.fixture
def corpus(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("FUZZFOX_CACHE_DIR", str(CACHE_DIR))
    return pytester


def write(pytester: pytest.Pytester, path: str, text: str) -> None:
    file = pytester.path / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-W", "ignore::pytest.PytestAssertRewriteWarning", *args)


# --- the recorded bugs: headers only ----------------------------------------------------------


def test_every_regression_program_parses_and_records_its_bug() -> None:
    assert len(KNOWN_PROGRAMS) >= 3
    for path in KNOWN_PROGRAMS:
        program = load_program(path)
        expected = program.expectation
        assert expected is not None, f"{path.name}: no 'expect: bug'"
        assert program.target == path.parent.name, f"{path.name}: kept under another target's folder"
        assert program.optimization, f"{path.name}: no optimization"
        assert all(program.metadata.get(key) for key in EXPECTATION_REQUIRED), path.name
        framework = get_target(program.target).framework
        assert expected.confirmed.startswith(f"{framework} "), f"{path.name}: confirmed on what?"
        if expected.symptom == Symptom.CRASH:  # any crash would do: record which one
            assert expected.match, f"{path.name}: a crash needs 'match'"


def test_the_format_knows_every_verdict_symptom() -> None:
    assert tuple(symptom.value for symptom in Symptom) == SYMPTOMS


@pytest.mark.parametrize(
    ("keys", "reason"),
    [
        ({"expect": "maybe"}, "expect must be 'bug', not 'maybe'"),
        ({"confirmed": None, "description": None}, "needs the header keys confirmed, description"),
        ({"symptom": "segfault"}, "symptom must be one of crash, status,"),
    ],
)
def test_an_incomplete_expectation_is_not_a_program(keys: dict[str, str | None], reason: str) -> None:
    with pytest.raises(ProgramError, match=re.escape(reason)):
        parse_program(edited(TORCH_FOLDING_BUG, **keys))
    assert parse_program(PLAIN).expectation is None  # a plain program records none


def test_known_bugs_are_counted_and_get_no_hypothesis_draws(corpus: pytest.Pytester) -> None:
    for path in KNOWN_PROGRAMS:
        write(corpus, f"corpus/regressions/{path.parent.name}/{path.name}", path.read_text())
    write(corpus, "corpus/plain.py", PLAIN)
    result = run(corpus, "--co", "-q", "corpus", "--fuzzfox-hypothesis", "2")
    header = next(line for line in result.outlines if line.startswith("fuzzfox: "))
    assert f"{len(KNOWN_PROGRAMS) + 1} programs + 2 hypothesis draws" in header  # the plain one's
    assert f"{len(KNOWN_PROGRAMS)} known bugs xfail while they fail as recorded" in header


# --- real runs in the sandbox ------------------------------------------------------------------


@requires_tf
def test_a_known_bug_xfails_while_it_shows_and_fails_once_fixed_or_changed(corpus: pytest.Pytester) -> None:
    write(corpus, "corpus/known.py", TF_BUG.read_text())
    write(corpus, "corpus/wrong_symptom.py", edited(TF_BUG, symptom="wrong_gradient"))
    write(corpus, "corpus/wrong_match.py", edited(TF_BUG, match="'Tensor' object has no attribute"))
    # The same op in a linear function: no second-order path through the broken gradient, so it
    # passes, as the bug would once TF fixes it.
    fixed = TF_BUG.read_text().replace("[1.0]) ** 2", "[1.0]) * 2.0")
    assert fixed != TF_BUG.read_text()
    write(corpus, "corpus/fixed.py", fixed)

    # The session's oracle is values only: the known bugs are judged with their own values,grads
    # (values alone would pass them all).  Plain programs beside them: the torch test below.
    result = run(corpus, "corpus", "-rA", "--fuzzfox-jobs", "1")
    result.assert_outcomes(failed=3, xfailed=1)
    result.stdout.fnmatch_lines(
        [
            "XFAIL corpus/known.py::array_grad.TensorScatterAdd - known bug, still crash on tensorflow *: "
            "forward-over-reverse *",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*_ fuzzfox program array_grad.TensorScatterAdd _*",
            'fixed in tensorflow *: this known bug (recorded: crash matching "AttributeError: '
            "'IndexedSlices' object has no attribute '_id'\"; confirmed on tensorflow 2.21.0) is gone, "
            "the program passes.",
            "move it to corpus/tf-xla/ without its expect, symptom, match, oracle, confirmed and issue "
            "header keys, or delete it.",
            "known bug: forward-over-reverse *",
            "pass: *",
            "program: corpus/fixed.py (target tf-xla)",
            "reproduce: fuzzfox run corpus/fixed.py --oracle values,grads",
        ]
    )
    for name, recorded in (
        ("wrong_symptom", "wrong_gradient matching \"AttributeError: 'IndexedSlices' object has no attr*"),
        ("wrong_match", "crash matching \"'Tensor' object has no attribute\""),
    ):
        result.stdout.fnmatch_lines(
            [
                "*_ fuzzfox program array_grad.TensorScatterAdd _*",
                f"fails differently on tensorflow *: recorded {recorded} (confirmed on tensorflow 2.21.0), "
                "now bug with symptom crash: a new bug or a changed one.",
                "check it, then update the header (symptom, match, confirmed) or file the new bug.",
                "known bug: *",
                "bug: grads: forward-over-reverse: raises while reverse mode does not (AttributeError: *",
                f"program: corpus/{name}.py (target tf-xla)",
            ]
        )


@pytest.mark.slow
@requires_torch
def test_known_torch_bugs_xfail_and_one_without_its_trigger_fails(corpus: pytest.Pytester) -> None:
    known = sorted((REGRESSIONS / "torch-inductor").glob("*.py"))
    for path in known:
        write(corpus, f"corpus/{path.name}", path.read_text())
    # Without freezing there is no binary folding: the program passes, as if torch had fixed it.
    write(corpus, "corpus/unfrozen.py", edited(TORCH_FOLDING_BUG, config=None))
    write(corpus, "corpus/permute_pair.py", (PROGRAMS / "permute_pair.py").read_text())
    result = run(corpus, "corpus", "-rA", "--fuzzfox-jobs", "1")
    result.assert_outcomes(passed=1, failed=1, xfailed=len(known))
    result.stdout.fnmatch_lines(
        [
            "*_ fuzzfox program binary_folding.folded_op _*",
            "fixed in torch *: this known bug (recorded: crash matching 'The size of tensor a (3) must "
            "match *'; confirmed on torch 2.13.0+cpu) is gone, the program passes.",
            "move it to corpus/torch-inductor/ *",
        ]
    )
    xfailed = [line for line in result.outlines if line.startswith("XFAIL ")]
    assert len(xfailed) == len(known) and all("known bug, still " in line for line in xfailed)
    assert "PASSED corpus/permute_pair.py::joint_graph.pointless_permute_pair" in result.outlines
