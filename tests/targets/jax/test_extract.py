"""White-box sources for JAX: the autodiff rules of the installed jax, as optimizations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fuzzfox.program import load_program
from tests.conftest import ROOT, run_cli


@pytest.fixture(scope="module")
def jax_rules() -> dict:
    from fuzzfox.targets.jax.extract import extract as extract_rules

    return {o.id: o for o in extract_rules()}


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


def test_every_seed_program_names_a_rule_of_the_catalog(jax_rules: dict) -> None:
    corpus = sorted((ROOT / "corpus" / "jax-xla").glob("*.py"))
    assert len(corpus) >= 25
    named = {load_program(path).optimization for path in corpus}
    assert named <= set(jax_rules), named - set(jax_rules)


def test_cli_lists_the_jax_rules(tmp_path: Path) -> None:
    result = run_cli("optimizations", "list", "--target", "jax-xla", env={"FUZZFOX_CACHE_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "lax.select_n.transpose" in result.stdout
    assert re.search(r"\d+ optimizations \(\d+ reachable on CPU\) in jax-xla", result.stdout)
