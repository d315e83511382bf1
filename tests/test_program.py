"""The program parser: accepts the format, rejects messy generated code with a clear reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from fuzzfox.program import ProgramError, discover, parse_program, parse_settings
from tests.conftest import PROGRAMS, program, requires_torch, run_cli

GOOD = """\
# target: torch-inductor
# optimization: pointless_permute_pair
# origin: seed
# parent: -
# mode: training
# config: freezing=True, cpp.threads=1
import torch

class Model(torch.nn.Module):
    def __init__(self, scale=2.0):
        super().__init__()
        self.scale = scale
    def forward(self, x):
        return x.permute(1, 0).permute(1, 0) * self.scale

def make_inputs():
    return (torch.randn(2, 3),)
"""


def test_parses_header_and_entry_points() -> None:
    parsed = parse_program(GOOD, "p.py")
    assert parsed.target == "torch-inductor"
    assert parsed.optimization == "pointless_permute_pair"
    assert parsed.mode == "training"
    assert parsed.config == {"freezing": True, "cpp.threads": 1}
    assert parsed.metadata["origin"] == "seed"


def test_a_header_oracle_narrows_the_oracles_asked_for() -> None:
    plain = parse_program(GOOD, "p.py")
    assert plain.oracles(("values", "grads")) == ["values", "grads"]
    values_only = parse_program(GOOD.replace("# mode: training", "# mode: training\n# oracle: values"))
    assert values_only.oracles(("values", "grads")) == ["values"]
    assert values_only.oracles(("grads",)) == ["values"]  # none asked applies: its own


@requires_torch
def test_the_torch_target_judges_a_values_only_program_without_gradients() -> None:
    from fuzzfox.targets import get_target
    from oracles.phases import PhaseLog

    source = "# oracle: values\nimport torch\ndef fn(x):\n    return x.sin()\n"
    source += "def make_inputs():\n    return (torch.randn(3),)\n"
    settings = {"backends": ["aot_eager"], "input_draws": 0, "oracles": ["values", "grads"]}
    target = get_target("torch-inductor")
    program = parse_program(source, default_target="torch-inductor")
    narrowed = target.run_program(program, settings, PhaseLog())
    assert narrowed.outcome.value == "pass" and "grads" not in narrowed.summary, narrowed.summary
    both = target.run_program(
        parse_program(source.replace("# oracle: values\n", ""), default_target="torch-inductor"),
        settings,
        PhaseLog(),
    )
    assert "grads: pass" in both.summary, both.summary


def test_plain_function_program_and_default_target() -> None:
    source = "import torch\ndef fn(x):\n    return x + 1\ndef make_inputs():\n    return (torch.ones(2),)\n"
    parsed = parse_program(source, default_target="torch-inductor")
    assert parsed.target == "torch-inductor"
    assert parsed.mode == "inference"


def test_content_address_ignores_line_endings_and_trailing_space() -> None:
    messy = GOOD.replace("\n", "  \r\n")
    assert parse_program(messy).id == parse_program(GOOD).id
    assert parse_program(GOOD.replace("2.0", "3.0")).id != parse_program(GOOD).id


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("", "empty file"),
        ("```python\n" + GOOD + "```\n", "markdown fence left in at line 1"),
        (GOOD + "\ndef broken(:\n", "syntax error at line"),
        (GOOD.replace("import torch", "import torch\x00"), "a NUL byte at line"),
        ("import torch\ndef make_inputs():\n    return ()\n", "no class Model and no function fn()"),
        (GOOD.replace("def make_inputs", "def inputs"), "no make_inputs() function"),
        (GOOD.replace("scale=2.0", "scale"), "Model() must take no constructor arguments (requires scale)"),
        (GOOD.replace("def make_inputs()", "def make_inputs(n)"), "make_inputs() must take no arguments"),
        (GOOD.replace("def forward", "def call"), "class Model has no forward() method"),
        (GOOD.replace("mode: training", "mode: fast"), "mode must be one of"),
        (GOOD.replace("freezing=True", "freezing"), "is not KEY=VALUE"),
    ],
)
def test_rejects_with_reason(source: str, reason: str) -> None:
    with pytest.raises(ProgramError, match=None) as caught:
        parse_program(source, "p.py")
    assert reason in str(caught.value)


def test_run_names_a_nul_byte_and_its_line_not_a_syntax_error_at_line_none(tmp_path: Path) -> None:
    path = tmp_path / "binary.py"
    path.write_bytes(GOOD.replace("import torch", "import torch\x00").encode())
    result = run_cli("run", str(path))
    assert result.returncode == 2
    message = "a NUL byte at line 7: a program is Python source text"
    assert result.stderr.strip() == f"fuzzfox: error: {path}: {message}"


def test_settings_split_only_on_top_level_commas() -> None:
    text = "freezing=True, pre_grad_fusion_options={'merge_splits_pass': {}, 'split_cat_pass': {}}, s='a,b'"
    assert parse_settings(text) == {
        "freezing": True,
        "pre_grad_fusion_options": {"merge_splits_pass": {}, "split_cat_pass": {}},
        "s": "a,b",
    }


def test_settings_values_are_python_literals_or_strings() -> None:
    assert parse_settings("a=1, b=0.5, c=None, d=accuracy, e='x'") == {
        "a": 1,
        "b": 0.5,
        "c": None,
        "d": "accuracy",
        "e": "x",
    }


def test_discover_finds_programs_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("b.py", "a.py", "sub/c.py", "__init__.py", "conftest.py", "notes.txt"):
        (tmp_path / name).write_text("")
    assert [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])] == ["a.py", "b.py", "sub/c.py"]


def test_fixture_programs_parse() -> None:
    for path in sorted(PROGRAMS.glob("*.py")):
        assert program(path.name).target == "torch-inductor"
