"""The shared program-AST helpers: finding a program's parts, reading calls through its imports."""

from __future__ import annotations

import ast

import pytest

from fuzzfox.program_ast import (
    bound_name,
    call_name,
    compute_functions,
    dotted_name,
    entry_function,
    import_aliases,
    inputs_function,
    method,
    model_class,
    named,
    required_parameters,
)

MODEL = """\
import torch
import torch.nn.functional as F

class Helper(torch.nn.Module):
    def forward(self, x):
        return x

class Model(torch.nn.Module):
    def __init__(self, scale=2.0):
        super().__init__()
    def prepare(self, x):
        return x * 2
    def forward(self, x):
        return F.relu(self.prepare(x))

def outside(x):
    return x

def make_inputs():
    return (torch.randn(2),)
"""

FUNCTION = """\
import torch

def make_inputs():
    return (torch.randn(2),)

def fn(x, y=1, *, z, w=0):
    return x + y + z + w
"""


def names(functions: list[ast.FunctionDef]) -> list[str]:
    return [f.name for f in functions]


def test_model_program_parts() -> None:
    tree = ast.parse(MODEL)
    model = model_class(tree)
    assert model is not None and model.name == "Model"  # not Helper, the nn.Module before it
    entry = entry_function(tree)
    assert entry is not None and entry in model.body  # Model.forward, not Helper.forward
    init = method(tree, "__init__")
    assert init is not None and required_parameters(init, skip_self=True) == []
    assert inputs_function(tree) is not None and inputs_function(tree).name == "make_inputs"


def test_compute_functions_leave_out_init_and_inputs_and_can_put_the_entry_first() -> None:
    tree = ast.parse(MODEL)
    assert names(compute_functions(tree)) == ["forward", "prepare", "outside"]
    assert names(compute_functions(tree, entry_first=False)) == ["prepare", "forward", "outside"]


def test_function_program_parts() -> None:
    tree = ast.parse(FUNCTION)
    assert model_class(tree) is None and method(tree, "__init__") is None
    entry = entry_function(tree)
    assert entry is not None and entry.name == "fn"
    assert names(compute_functions(tree)) == ["fn"]
    assert required_parameters(entry, skip_self=False) == ["x", "z"]
    assert required_parameters(entry, skip_self=True) == ["z"]  # the first parameter is taken as self


def test_duplicate_definitions_named_takes_the_later_model_class_the_first() -> None:
    tree = ast.parse("class Model:\n    a = 1\nclass Model:\n    b = 2\n")
    assert model_class(tree) is tree.body[0]
    assert named(tree.body, ast.ClassDef)["Model"] is tree.body[1]
    assert named(tree.body, ast.FunctionDef) == {}


def test_import_aliases() -> None:
    tree = ast.parse(
        "import torch.nn.functional as F\nimport torch.nn\nfrom torch import nn as tnn, fft\n"
        "from . import local\nimport numpy.linalg\ndef f():\n    import math as m\n"
    )
    assert import_aliases(tree) == {
        "F": "torch.nn.functional",
        "torch": "torch",  # import torch.nn binds torch, which stands for torch
        "tnn": "torch.nn",
        "fft": "torch.fft",
        "numpy": "numpy",
        "m": "math",  # imports inside functions count; the relative one does not
    }
    assert [bound_name(alias) for node in tree.body[:2] for alias in node.names] == ["F", "torch"]


@pytest.mark.parametrize(
    ("expression", "written", "resolved"),
    [
        ("F.relu", "F.relu", "torch.nn.functional.relu"),
        ("tnn.Linear", "tnn.Linear", "torch.nn.Linear"),
        ("torch.ops.aten.mm", "torch.ops.aten.mm", "torch.ops.aten.mm"),
        ("x.relu", "x.relu", None),  # x is not an import
        ("(a + b).sum", None, None),
        ("F.relu(x).sum", None, None),
    ],
)
def test_dotted_name_as_written_and_through_the_imports(
    expression: str, written: str | None, resolved: str | None
) -> None:
    imports = "import torch\nimport torch.nn.functional as F\nfrom torch import nn as tnn\n"
    aliases = import_aliases(ast.parse(imports))
    node = ast.parse(expression, mode="eval").body
    assert dotted_name(node) == written
    assert dotted_name(node, aliases) == resolved


@pytest.mark.parametrize(
    ("expression", "name"),
    [
        ("F.relu(x)", "relu"),
        ("x.relu()", "relu"),
        ("relu(x)", "relu"),
        ("torch.nn.functional.gelu(x, approximate='tanh')", "gelu"),
        ("make()(x)", None),  # a call of a call's result has no name
        ("x[0](y)", None),
        ("F.relu", None),  # not a call
    ],
)
def test_call_name(expression: str, name: str | None) -> None:
    assert call_name(ast.parse(expression, mode="eval").body) == name
