"""TF gradient registrations as white-box Optimizations, read from the installed TF's source."""

from __future__ import annotations

import ast
import re

from fuzzfox.targets import get_target
from fuzzfox.targets.tf.extract import registrations
from fuzzfox.whitebox.catalog import load_catalog
from tests.conftest import run_cli

REGISTERING_MODULE = """
@ops.RegisterGradient("BatchMatMul")
@ops.RegisterGradient("BatchMatMulV2")
def _BatchMatMulGrad(op, grad):
    return grad, grad

def _PadGrad(op, grad):
    return grad

ops.RegisterGradient("Pad")(_PadGrad)
ops.NotDifferentiable("Floor")
ops.RegisterGradient(NAME)(_PadGrad)
"""


def test_both_registration_forms_are_found_and_declarations_without_code_are_not() -> None:
    assert registrations(ast.parse(REGISTERING_MODULE)) == [
        ("BatchMatMul", "_BatchMatMulGrad"),
        ("BatchMatMulV2", "_BatchMatMulGrad"),
        ("Pad", "_PadGrad"),
    ]


def test_catalog_has_every_gradient_registration_with_its_source(tmp_path) -> None:
    catalog = load_catalog(get_target("tf-xla"), tmp_path)
    by_id = {o.id: o for o in catalog}
    assert len(by_id) == len(catalog) >= 300
    assert {o.kind for o in catalog} == {"gradient"}
    tanh = by_id["math_grad.Tanh"]
    assert (tanh.file, tanh.pattern, tanh.cpu) == ("python/ops/math_grad.py", "Tanh", True)
    assert tanh.source.startswith("def _TanhGrad") and tanh.first_line < tanh.fired_lines[0] <= tanh.last_line
    assert "def _MinOrMaxGrad" in by_id["math_grad.Max"].source  # same-module helper included
    assert "def _PadGrad" in by_id["array_grad.Pad"].source  # registered by a call, not a decorator
    assert not by_id["cudnn_rnn_grad.CudnnRNN"].cpu


def test_optimizations_list_command_lists_tf_gradients(tmp_path) -> None:
    result = run_cli(
        "optimizations", "list", "--target", "tf-xla", "--cpu-only", env={"FUZZFOX_CACHE_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if re.search(r"python/ops/\w+_grad\.py:\d+", line)]
    assert len(rows) >= 300
    assert any(line.split()[:2] == ["nn_grad.Conv2D", "gradient"] for line in rows)
    assert re.search(r"\d+ optimizations \(\d+ reachable on CPU\) in tf-xla 2\.", result.stdout)
