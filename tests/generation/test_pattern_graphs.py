"""Graph-pattern synthesis: programs written node by node from a pattern entry's graph.

The writing tests need no framework; the trigger tests read the real catalog of the installed
torch and judge the written programs in the sandbox under the real probe.
"""

from __future__ import annotations

import ast

import pytest

from fuzzfox.generation.pattern_directed import can_write as pattern_can_write
from fuzzfox.generation.pattern_directed import pattern_programs
from fuzzfox.generation.pattern_graphs import can_write, graph_programs, parse_pattern
from fuzzfox.whitebox.optimization import Optimization
from tests.conftest import judge_in_sandbox, requires_torch

LEAKY_BF16 = """\
mkldnn__convolution_pointwise_default = CallFunction(mkldnn._convolution_pointwise.default, Arg(), Arg(), Arg())
convert_element_type_default = CallFunction(prims.convert_element_type.default, mkldnn__convolution_pointwise_default, KeywordArg('to_float'), _users=3)
_gt_ = CallFunction([gt, ...], convert_element_type_default, 0)
_mul_ = CallFunction([mul, ...], convert_element_type_default, KeywordArg('negative_slope'))
_where_ = CallFunction([where, ...], _gt_, convert_element_type_default, _mul_)
output = CallFunction(prims.convert_element_type.default, _where_, KeywordArg('to_bf16'))
"""  # noqa: E501
LINEAR_ADD = """\
mkldnn__linear_pointwise_default = CallFunction(mkldnn._linear_pointwise.default, Arg(), Arg(), Arg())
add = CallFunction(add, KeywordArg('other'), mkldnn__linear_pointwise_default)
output = CallFunction(aten.relu.default, add)
"""


def entry(pattern: str, ident: str = "mkldnn_fusion.fn#0", pass_name: str = "post_grad") -> Optimization:
    file = "_inductor/fx_passes/mkldnn_fusion.py"
    return Optimization(ident, "lowering_pattern", pass_name, file, 1, 2, "", (), True, pattern=pattern)


def forward_lines(source: str) -> list[str]:
    model = next(n for n in ast.parse(source).body if isinstance(n, ast.ClassDef))
    forward = next(n for n in model.body if isinstance(n, ast.FunctionDef) and n.name == "forward")
    return [ast.unparse(statement) for statement in forward.body]


def test_each_node_is_one_statement_and_a_packed_op_is_the_module_freezing_packs() -> None:
    (program,) = graph_programs(entry(LEAKY_BF16), seed=0, count=1)
    assert program.metadata["origin"] == "pattern" and program.mode == "inference"
    assert program.config == {"freezing": True}
    assert forward_lines(program.source) == [
        "mkldnn__convolution_pointwise_default = self.conv0(x0)",
        "convert_element_type_default = mkldnn__convolution_pointwise_default.to(torch.float32)",
        "_gt_ = torch.ops.aten.gt(convert_element_type_default, 0)",
        "_mul_ = torch.ops.aten.mul(convert_element_type_default, 0.01)",  # the shared node stays one value
        "_where_ = torch.ops.aten.where(_gt_, convert_element_type_default, _mul_)",
        "output = _where_.to(torch.bfloat16)",
        "return output",
    ]
    # the pattern converts to bf16, so the conv and its input are bf16
    assert "torch.nn.Conv2d(3, 8, 3, stride=1, padding=1, bias=True).to(torch.bfloat16)" in program.source
    assert "torch.randn(2, 3, 10, 10, dtype=torch.bfloat16)" in program.source


def test_a_keyword_tensor_is_an_input_shaped_like_what_it_meets_and_variants_differ() -> None:
    programs = graph_programs(entry(LINEAR_ADD), seed=1, count=4)
    assert len({p.id for p in programs}) == 4
    for program in programs:
        assert forward_lines(program.source)[1] == "add = other + mkldnn__linear_pointwise_default"
        made = ast.parse(program.source).body[-1].body[0].value  # make_inputs's tuple
        x, other = ([ast.literal_eval(size) for size in call.args] for call in made.elts)
        linear = next(line for line in program.source.splitlines() if "torch.nn.Linear(" in line)
        features, out = ast.literal_eval(linear.split("Linear(")[1].split(", bias")[0])
        assert x == [*other[:-1], features] and other[-1] == out  # other is the Linear's output's shape
        # a float32 Linear is packed for oneDNN only in bf16 or with a symbolic batch
        assert "dtype=torch.bfloat16" in program.source or program.metadata.get("compile") == "dynamic=True"


def test_what_cannot_be_spelled_is_left_to_the_other_generators() -> None:
    nested = "output = CallFunction(aten.cat.default, ListOf(CallFunction(aten.mm.default, Arg(), Arg())), 1)"
    multi = "output = MultiOutputPattern([CallFunction(aten.amax.default, Arg())])"
    relu = "relu_default = CallFunction(aten.relu.default, Arg())\n"
    linear_of_node = relu + "output = CallFunction(mkldnn._linear_pointwise.default, relu_default, Arg())"
    for pattern in (
        nested,
        multi,
        "",
        linear_of_node,
        "output = CallFunction(onednn.qconv2d_pointwise.binary, Arg())",
    ):
        assert not can_write(entry(pattern)) and graph_programs(entry(pattern), 0, 2) == []
    assert parse_pattern(LEAKY_BF16) is not None and len(parse_pattern(LEAKY_BF16) or []) == 6
    assert pattern_can_write(entry(LEAKY_BF16))  # the pattern generator takes it
    assert pattern_programs(entry(LEAKY_BF16), 0, 1) == graph_programs(entry(LEAKY_BF16), 0, 1)


def _catalog() -> dict[str, Optimization]:
    from fuzzfox.sandbox.pool import default_cache_dir
    from fuzzfox.targets import get_target
    from fuzzfox.whitebox.catalog import load_catalog

    return {o.id: o for o in load_catalog(get_target("torch-inductor"), default_cache_dir())}


def _leaky_relu_after(op: str, low_precision: bool, catalog: dict[str, Optimization]) -> Optimization:
    """The catalog's leaky-relu fusion entry after ``op``, in low precision or not."""
    for optimization in catalog.values():
        text = optimization.pattern
        head = text.startswith(f"{op.replace('.', '_')}_default = ")
        converts = "to_bf16" in text if low_precision else "convert_element_type" not in text
        if head and "negative_slope" in text and converts:
            return optimization
    raise AssertionError(f"no leaky-relu fusion after {op} in the catalog")


@requires_torch
@pytest.mark.parametrize(
    "low_precision",
    [pytest.param(False, id="float32", marks=pytest.mark.slow), pytest.param(True, id="bf16")],
)
def test_the_canonical_program_of_a_frozen_conv_fusion_triggers_it_under_the_real_probe(
    low_precision: bool,
) -> None:
    optimization = _leaky_relu_after("mkldnn._convolution_pointwise", low_precision, _catalog())
    (program,) = graph_programs(optimization, seed=0, count=1)
    verdict = judge_in_sandbox([program], timeout_s=180.0)[program.name]
    assert verdict.outcome.value == "pass", verdict.explain()
    assert optimization.id in verdict.triggers, verdict.triggers


@requires_torch
def test_the_canonical_program_of_a_quantized_conv_triggers_its_weight_prepack_under_the_real_probe() -> None:
    catalog = _catalog()
    # float32 (no convert); its weight cloned to a memory format, as Inductor's conv layout pass
    # leaves it before the freezing patterns run
    optimization = next(
        o
        for ident, o in sorted(catalog.items())
        if ident.startswith("quantization.qconv_weight_prepack")
        and "convert_element_type" not in o.pattern
        and "aten.clone" in o.pattern
    )
    (program,) = graph_programs(optimization, seed=0, count=1)
    assert "dequantize_per_channel" in program.source and "dtype=torch.uint8" in program.source
    verdict = judge_in_sandbox([program], timeout_s=180.0)[program.name]
    assert verdict.outcome.value == "pass", verdict.explain()
    assert optimization.id in verdict.triggers, verdict.triggers


@requires_torch
@pytest.mark.slow
def test_a_quantized_head_with_tensor_scales_gets_them_as_inputs_and_triggers_its_fusion() -> None:
    catalog = _catalog()
    optimization = next(
        o
        for ident, o in sorted(catalog.items())
        if ident.startswith("quantization.qlinear_post_op_fusion")
        and o.pattern.strip().endswith("CallFunction(aten.relu.default, onednn_qlinear_pointwise_tensor)")
    )
    (program,) = graph_programs(optimization, seed=0, count=1)
    assert "dequantize_per_tensor.tensor(x, " in program.source
    assert "torch.tensor(0.05)" in program.source.split("def make_inputs")[1]  # an input, no buffer
    verdict = judge_in_sandbox([program], timeout_s=180.0)[program.name]
    assert verdict.outcome.value == "pass", verdict.explain()
    assert optimization.id in verdict.triggers, verdict.triggers


def _tensor_scale_weight_prepack(catalog: dict[str, Optimization]) -> Optimization:
    return next(
        o
        for ident, o in sorted(catalog.items())
        if ident.startswith("quantization.qlinear_weight_prepack")
        and o.pattern.startswith("quantized_decomposed_dequantize_per_tensor_tensor = ")
        and graph_programs(o, seed=0, count=1)  # the first the writer spells
    )


@requires_torch
def test_a_tensor_dequantize_inside_a_pattern_takes_its_scale_and_zero_point_as_inputs() -> None:
    (program,) = graph_programs(_tensor_scale_weight_prepack(_catalog()), seed=0, count=1)
    assert (
        "dequantize_per_tensor.tensor(x, quantized_decomposed_dequantize_per_tensor_tensor_scale,"
        in program.source
    )
    assert "register_buffer('quantized_decomposed" not in program.source  # frozen 0-d ones crash Inductor
    assert "torch.tensor(0.05), torch.tensor(64)" in program.source.split("def make_inputs")[1]


@requires_torch
@pytest.mark.slow
def test_the_tensor_scale_weight_prepack_program_triggers_it_instead_of_the_known_crash() -> None:
    optimization = _tensor_scale_weight_prepack(_catalog())
    (program,) = graph_programs(optimization, seed=0, count=1)
    verdict = judge_in_sandbox([program], timeout_s=180.0)[program.name]
    assert verdict.outcome.value == "pass", verdict.explain()
    assert optimization.id in verdict.triggers, verdict.triggers
