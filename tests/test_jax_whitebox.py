"""White-box sources for JAX: autodiff rules of the installed jax, and a user's own source tree."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from fuzzfox.program import load_program
from fuzzfox.whitebox.source_dir import SourceDirError, blank_out, extract
from tests.conftest import ROOT, requires_jax, run_cli


@pytest.fixture(scope="module")
def jax_rules() -> dict:
    pytest.importorskip("jax", reason="jax is not installed (pip install 'fuzzfox[jax]')")
    from fuzzfox.targets.jax.extract import extract as extract_rules

    return {o.id: o for o in extract_rules()}


@requires_jax
def test_rules_are_read_from_the_installed_jax_with_their_registration_and_source(jax_rules: dict) -> None:
    from fuzzfox.targets.jax.extract import jax_root

    sine = jax_rules["lax.sin.jvp"]
    assert sine.kind == "jvp_rule" and sine.pass_name == "ad.defjvp"
    assert sine.file == "_src/lax/lax.py"
    lines = (jax_root() / sine.file).read_text().splitlines()
    assert "sin_p" in lines[sine.first_line - 1]  # the registration line
    assert "cos(" in sine.source

    select = jax_rules["lax.select_n.transpose"]
    assert select.kind == "transpose_rule"
    assert "def _select_transpose_rule" in select.source
    body_line = lines[select.fired_lines[0] - 1]
    assert select.first_line <= select.fired_lines[0] <= select.last_line
    assert "is_undefined_primal" in body_line  # the rule's first statement, docstring skipped

    assert jax_rules["lax.sign.jvp_zero"].kind == "jvp_zero"
    assert jax_rules["lax.sin.linearize"].kind == "linearization_rule"
    assert jax_rules["lax.scan.transpose"].file == "_src/lax/control_flow/loops.py"
    # Primitive names come from the primitive objects, not from the Python variables.
    assert not [i for i in jax_rules if re.fullmatch(r"lax\.\w+_p\.\w+", i) and "cast_p" not in i]
    assert len(jax_rules) > 150
    assert all(len(o.source) <= 8000 for o in jax_rules.values())


@requires_jax
def test_every_seed_program_names_a_rule_of_the_catalog(jax_rules: dict) -> None:
    corpus = sorted((ROOT / "corpus" / "jax-xla").glob("*.py"))
    assert len(corpus) >= 25
    named = {load_program(path).optimization for path in corpus}
    assert named <= set(jax_rules), named - set(jax_rules)


@requires_jax
def test_cli_lists_the_jax_rules(tmp_path: Path) -> None:
    result = run_cli("optimizations", "list", "--target", "jax-xla", env={"FUZZFOX_CACHE_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "lax.select_n.transpose" in result.stdout
    assert re.search(r"\d+ optimizations \(\d+ reachable on CPU\) in jax-xla", result.stdout)


CPP = """\
// a { brace in a comment
#include <string>
#define BRACES { }
namespace xla {
namespace {

bool IsAll(const HloInstruction* op, int8_t value) {
  const char* s = "not a { brace";
  switch (op->opcode()) {
    case 1: return true;
  }
  return false;
}

}  // namespace

class Simplifier : public Visitor {
 public:
  explicit Simplifier(const Options& options)
      : options_(options), count_{0}, name_("x") {
    Init();
  }
  absl::Status HandleAdd(HloInstruction* add) override;
  int count() const { return count_; }
  enum class Kind : int { kA, kB };
};

absl::Status Simplifier::HandleAdd(HloInstruction* add) {
  auto lambda = [&](int x) { return x + 1; };
  return absl::OkStatus();
}

template <typename T>
T Twice(T x) noexcept {
  return x * 2;
}

const int kTable[] = {1, 2, 3};
bool operator==(const A& a, const A& b) { return true; }
bool IsAll(const HloInstruction* op) { return false; }
}  // namespace xla
"""
PYTHON = """\
import os


@decorator
def top(a):
    return a


class Pass:
    def run(self, graph):
        return graph
"""


def test_source_dir_finds_cpp_and_python_functions_with_their_lines(tmp_path: Path) -> None:
    (tmp_path / "service").mkdir()
    (tmp_path / "service" / "simplifier.cc").write_text(CPP)
    (tmp_path / "passes.py").write_text(PYTHON)
    (tmp_path / "service" / "generated.pb.h").write_text("int Accessor() { return 1; }\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "hidden.py").write_text("def hidden():\n    pass\n")

    units = {o.id: o for o in extract(tmp_path)}
    assert list(units) == [
        "passes.py:top",
        "passes.py:Pass.run",
        "service/simplifier.cc:IsAll",
        "service/simplifier.cc:Simplifier::Simplifier",
        "service/simplifier.cc:Simplifier::count",
        "service/simplifier.cc:Simplifier::HandleAdd",
        "service/simplifier.cc:Twice",
        "service/simplifier.cc:operator==",
        "service/simplifier.cc:IsAll#40",
    ]
    cpp_lines = CPP.splitlines()

    def span(ident: str) -> tuple[int, int]:
        unit = units[f"service/simplifier.cc:{ident}"]
        return unit.first_line, unit.last_line

    assert span("IsAll") == (7, 13)
    assert span("Simplifier::Simplifier") == (19, 22)  # from `explicit`, not from `public:`
    assert span("Twice") == (33, 36)  # the template line belongs to it
    handle_add = units["service/simplifier.cc:Simplifier::HandleAdd"]
    assert handle_add.source.splitlines()[0] == cpp_lines[27]
    assert "lambda" in handle_add.source and handle_add.kind == "function"
    top = units["passes.py:top"]
    assert (top.first_line, top.last_line, top.fired_lines) == (4, 6, (6,))


def test_blanking_keeps_offsets_and_hides_braces_in_comments_and_strings() -> None:
    text = textwrap.dedent(
        """\
        int f() { /* { */ return "}"[0]; }  // }
        #define X {
        char c = '{';
        """
    )
    masked = blank_out(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    assert masked.count("{") == masked.count("}") == 1


def test_cli_lists_a_source_dir_and_rejects_a_missing_one(tmp_path: Path) -> None:
    (tmp_path / "simplifier.cc").write_text(CPP)
    result = run_cli("optimizations", "list", "--source-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "simplifier.cc:Simplifier::HandleAdd" in result.stdout
    assert f"7 functions in 1 files under {tmp_path}" in result.stdout
    missing = run_cli("optimizations", "list", "--source-dir", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert "is not a directory" in missing.stderr
    with pytest.raises(SourceDirError):
        extract(tmp_path / "nope")
