"""The op registries.  Torch's: one consistent entry per op, spellings that parse and that
mutation recognizes, and the draw orders generators index into (changing one changes what a seed
draws).  The array one (whose entries test_synth_array checks): its family modules, in order."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from fuzzfox.generation import synth
from fuzzfox.generation.mutate import INDEX_TAKING, ProgramAst
from fuzzfox.generation.ops import array as array_ops
from fuzzfox.generation.ops import torch as torch_ops
from fuzzfox.generation.ops.array import axiswise as array_axiswise
from fuzzfox.generation.ops.array import binary as array_binary
from fuzzfox.generation.ops.array import control as array_control
from fuzzfox.generation.ops.array import elementwise as array_elementwise
from fuzzfox.generation.ops.array import reductions as array_reductions
from fuzzfox.generation.ops.array import shapes as array_shapes
from fuzzfox.generation.ops.torch import binary, layers
from fuzzfox.generation.ops.torch.op import (
    BINARY,
    CAST,
    CONSTRUCTOR,
    DOMAINS,
    FAMILIES,
    FORMS,
    LAYER,
    MODULE_FORM,
    REAL,
    REDUCTION,
    SHAPE,
    SOFTMAX,
    UNARY,
    TorchOp,
)
from tests.conftest import ROOT

SWAPPED = (UNARY, BINARY, REDUCTION, SOFTMAX)  # the families mutation swaps and respells


def spellings(ops: tuple[TorchOp, ...]) -> list[object]:
    return [pytest.param(op, form, id=f"{op.name}-{form}") for op in ops for form in op.forms]


def operands(op: TorchOp) -> list[str]:
    return ["x", "y", "z"][: op.arity]


def test_names_are_unique_and_every_op_is_in_one_known_family() -> None:
    assert len(torch_ops.BY_NAME) == len(torch_ops.OPS)
    assert all(op.family in FAMILIES for op in torch_ops.OPS)
    by_family = [op for name in FAMILIES for op in torch_ops.family(name)]
    assert sorted(op.name for op in by_family) == sorted(op.name for op in torch_ops.OPS)
    for name in FAMILIES:
        assert torch_ops.family(name), name
        assert torch_ops.names(name) == tuple(op.name for op in torch_ops.family(name))
    assert torch_ops.lookup("relu").family == UNARY
    with pytest.raises(KeyError):
        torch_ops.lookup("no_such_op")


def test_fields_use_the_vocabulary() -> None:
    for op in torch_ops.OPS:
        assert op.forms and set(op.forms) <= set(FORMS) and len(set(op.forms)) == len(op.forms), op.name
        assert op.domain in DOMAINS, op.name
        assert {option.keyword for option in op.options} <= op.keywords, op.name
        assert all(option.values for option in op.options), op.name
        assert op.name.isidentifier() and (not op.module or op.module.isidentifier()), op.name


@pytest.mark.parametrize(("op", "form"), spellings(torch_ops.OPS))
def test_every_spelling_parses_as_a_call_of_the_op(op: TorchOp, form: str) -> None:
    call = ast.parse(op.spell(form, *operands(op)), mode="eval").body
    assert isinstance(call, ast.Call)
    if form == MODULE_FORM:  # torch.nn.Name()(x)
        assert isinstance(call.func, ast.Call) and ast.unparse(call.func.func) == f"torch.nn.{op.name}"
        assert [ast.unparse(a) for a in call.args] == operands(op)
        return
    assert isinstance(call.func, ast.Attribute) and call.func.attr == op.name
    receiver = ast.unparse(call.func.value)
    written = [receiver, *map(ast.unparse, call.args)] if form == "m" else list(map(ast.unparse, call.args))
    assert receiver == {"t": "torch", "f": "F", "m": "x"}[form]
    assert written == operands(op)


def test_a_form_the_op_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match="no spelling"):
        torch_ops.lookup("gelu").spell("m", "x")  # gelu is F.gelu only
    assert torch_ops.lookup("sum").spell("m", "x", "dim=1") == "x.sum(dim=1)"
    assert torch_ops.lookup("sum").spell("t", "x", "dim=1") == "torch.sum(x, dim=1)"
    assert torch_ops.lookup("Conv2d").spell("n", "x", "3", "8", "3") == "torch.nn.Conv2d(3, 8, 3)(x)"


SOURCE = "import torch\nimport torch.nn.functional as F\n\n\ndef fn(x, y):\n    return {}\n"


@pytest.mark.parametrize(("op", "form"), spellings(tuple(op for op in torch_ops.OPS if op.family in SWAPPED)))
def test_mutation_recognizes_every_spelling_of_the_ops_it_swaps(op: TorchOp, form: str) -> None:
    program = ProgramAst(ast.parse(SOURCE.format(op.spell(form, *operands(op)))))
    (site,) = program.call_sites(torch_ops.names(op.family))
    assert (site.name, site.form) == (op.name, form)
    assert ast.unparse(site.operand) == "x"


def test_the_draw_orders_generators_index_into() -> None:
    assert torch_ops.names(UNARY) == (
        "relu", "gelu", "silu", "tanh", "sigmoid", "hardswish", "hardsigmoid", "leaky_relu", "elu",
        "selu", "celu", "softplus", "mish", "relu6", "hardtanh", "softsign", "tanhshrink", "logsigmoid",
        "sin", "cos", "exp", "abs", "neg", "erf", "atan", "asinh", "square", "expm1", "sinh", "cosh",
        "sign", "floor", "ceil", "round", "trunc", "reciprocal", "sqrt", "rsqrt", "log", "log1p",
    )  # fmt: skip
    assert [torch_ops.lookup(name).forms for name in ("relu", "gelu", "selu", "sin")] == [
        "tfm",
        "f",
        "tf",
        "tm",
    ]
    assert torch_ops.names(BINARY) == ("add", "sub", "mul", "div", "maximum", "minimum")
    assert [op.name for op in binary.ARITHMETIC] == ["add", "sub", "mul", "div"]
    assert torch_ops.names(REDUCTION) == (
        "sum", "mean", "amax", "amin", "prod", "nansum", "logsumexp", "var", "std",
    )  # fmt: skip
    assert [(op.name, op.forms) for op in torch_ops.family(SOFTMAX)] == [
        ("softmax", "tfm"), ("log_softmax", "tfm"), ("softmin", "f"),
    ]  # fmt: skip
    assert torch_ops.FLOAT_DTYPES == ("float32", "float16", "bfloat16", "float64")
    assert list(layers.ACTIVATION_MODULES.values()) == [
        op.name for op in torch_ops.family(UNARY) if op.module
    ]


def test_unary_ops_off_the_reals_are_only_swapped_away_from() -> None:
    partial = {op.name for op in torch_ops.family(UNARY) if op.domain != REAL}
    assert partial == {"reciprocal", "sqrt", "rsqrt", "log", "log1p"}
    assert not partial & {op.name for op in synth.UNARY_OPS}
    assert [o.keyword for o in torch_ops.lookup("softplus").options] == ["beta", "threshold"]


def test_activation_modules_map_to_their_unary_op() -> None:
    assert (
        layers.ACTIVATION_MODULES["ReLU"] == "relu" and layers.ACTIVATION_MODULES["LeakyReLU"] == "leaky_relu"
    )
    for module, name in layers.ACTIVATION_MODULES.items():
        assert torch_ops.lookup(name).module == module
    assert len(set(layers.ACTIVATION_MODULES)) == len([op for op in torch_ops.family(UNARY) if op.module])


def test_binary_operators_are_the_python_operators_of_their_symbols() -> None:
    for op in binary.ARITHMETIC:
        expression = ast.parse(f"a {op.symbol} b", mode="eval").body
        assert isinstance(expression, ast.BinOp) and type(expression.op) is op.operator
        assert binary.BY_OPERATOR[type(expression.op)] is op
    assert all(not op.symbol for op in torch_ops.family(BINARY) if op.operator is None)


def test_reductions_say_which_dims_and_keywords_they_take() -> None:
    ops = torch_ops.family(REDUCTION)
    assert all(op.positional[0] == "dim" for op in ops)
    assert {op.name for op in ops if op.positional[1] != "keepdim"} == {"var", "std"}
    assert {op.name for op in ops if not op.reduces_all} == {"logsumexp"}
    assert {op.name for op in ops if not op.several_dims} == {"prod"}
    assert {op.name for op in ops if "dtype" in op.keywords} == {"sum", "mean", "prod", "nansum"}
    # synthesis draws a subset, in its own order
    assert set(synth.DRAWN_REDUCTIONS) <= set(torch_ops.names(REDUCTION))
    whole = {op.name for op in ops if op.reduces_all}
    assert synth.WHOLE_TENSOR_REDUCTIONS.issubset(whole)


def test_cast_tables_go_both_ways() -> None:
    assert torch_ops.CAST_METHOD_DTYPE == {
        "float": "float32",
        "half": "float16",
        "double": "float64",
        "bfloat16": "bfloat16",
    }
    assert {d: m for m, d in torch_ops.CAST_METHOD_DTYPE.items()} == torch_ops.DTYPE_CAST_METHOD
    assert set(torch_ops.DTYPE_CAST_METHOD) == set(torch_ops.FLOAT_DTYPES)
    assert set(torch_ops.CAST_METHOD_DTYPE) == set(torch_ops.names(CAST))
    assert set(torch_ops.DTYPE_ALIASES.values()) == set(torch_ops.FLOAT_DTYPES)
    assert not set(torch_ops.FLOAT_DTYPES) & torch_ops.INT_DTYPES


def test_constructors_shapes_and_layers_say_where_their_sizes_are() -> None:
    for op in torch_ops.family(CONSTRUCTOR):
        assert op.sizes and op.result_dtype, op.name
    assert {op.name for op in torch_ops.family(CONSTRUCTOR) if op.result_dtype == "int64"} == {
        "randint",
        "randperm",
    }
    assert set(torch_ops.names(SHAPE)) | set(torch_ops.names(CONSTRUCTOR)) <= INDEX_TAKING
    for op in torch_ops.family(LAYER):
        assert not (op.keeps_rank and op.result_rank), op.name
        assert [keyword for _, keyword in op.size_arguments] == [
            k for _, k in layers.LAYER_SIZES.get(op.name, ())
        ]
    assert layers.LAYER_SIZES["GroupNorm"] == ((1, "num_channels"),)
    assert torch_ops.lookup("Conv2d").result_rank == 4


def test_nothing_imports_torch() -> None:
    code = (
        "import sys\n"
        "import fuzzfox.generation.ops.torch, fuzzfox.generation.tensor_facts, fuzzfox.generation.mutate\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_the_array_registry_is_its_family_modules_in_order() -> None:
    families = [array_elementwise, array_binary, array_reductions, array_axiswise, array_shapes]
    concatenated = tuple(op for module in [*families, array_control] for op in module.OPS)
    assert concatenated == array_ops.OPS
    assert len(array_ops.BY_NAME) == len(array_ops.OPS)
    assert {op.kind for op in array_binary.OPS} == {array_ops.BINARY}
    assert {op.kind for op in array_reductions.OPS} <= {array_ops.REDUCE, array_ops.PICK}
    assert [op.name for op in array_ops.ops_for(array_ops.JAX, [array_ops.BINARY])][:2] == ["add", "subtract"]
