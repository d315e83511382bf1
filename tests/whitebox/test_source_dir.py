"""Optimizations from a user's source tree (fuzzfox.whitebox.source_dir): C++ and Python functions with
their lines, found without importing anything."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fuzzfox.whitebox.source_dir import SourceDirError, blank_out, extract
from tests.conftest import run_cli

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
