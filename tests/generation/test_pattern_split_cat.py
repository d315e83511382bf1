"""The split/cat family's programs: spelled as each pattern's text says, with its pass enabled.

The writing tests need no framework; the trigger test reads the real catalog of the installed
torch and judges a written program in the sandbox under the real probe.
"""

from __future__ import annotations

import ast

from fuzzfox.generation.pattern_directed import can_write, pattern_programs
from fuzzfox.generation.pattern_split_cat import split_cat_programs
from fuzzfox.whitebox.optimization import Optimization
from tests.conftest import judge_in_sandbox, requires_torch

STACK_OF_SPLIT = (
    "output = CallFunction([stack, ...], tensors=ListOf(CallFunction(operator.getitem, "
    "TorchSplit(torch.split, *, KeywordArg('split_sections'), dim=KeywordArg('dim'), _users=MULTIPLE), "
    "*, _users=MULTIPLE)), "
    "dim=Ignored(), _users=MULTIPLE)"
)


def entry(pattern: str, pass_name: str, ident: str = "split_cat.simplify_split_cat#0") -> Optimization:
    file = "_inductor/fx_passes/split_cat.py"
    return Optimization(ident, "graph_pattern", pass_name, file, 1, 2, "", (), True, pattern=pattern)


def body(source: str) -> list[str]:
    fn = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == "fn")
    return [ast.unparse(statement) for statement in fn.body]


def test_a_sink_is_spelled_as_its_pattern_and_the_pass_is_enabled() -> None:
    (program,) = split_cat_programs(entry(STACK_OF_SPLIT, "split_cat_pass"), seed=0, count=1)
    # with the normalization pass, whose form of splits and cats the merge passes expect
    assert program.config == {"pre_grad_fusion_options": {"normalization_pass": {}, "split_cat_pass": {}}}
    assert body(program.source) == [
        "parts = torch.split(x, 2, dim=1)",
        "out = torch.stack(tensors=[*parts], dim=1)",  # tensors= and dim= keywords, as the pattern has them
        "return out",
    ]
    positional = STACK_OF_SPLIT.replace("tensors=ListOf", "ListOf").replace(
        "dim=Ignored(), _users", "Ignored(), _users"
    )
    (program,) = split_cat_programs(entry(positional, "split_cat_pass"), seed=0, count=1)
    assert "out = torch.stack([*parts], 1)" in body(program.source)


def test_normalizations_are_the_one_call_and_aten_passes_are_post_grad_options() -> None:
    method = entry("CallMethodVarArgs(unbind, MULTIPLE)", "normalization_pass")
    (program,) = split_cat_programs(method, seed=0, count=1)
    assert body(program.source)[0] == "out = torch.stack([p * 2 for p in x.unbind(1)], 1)"
    aten = entry("CallFunctionVarArgs(aten.split_with_sizes.default, MULTIPLE)", "normalization_aten_pass")
    variants = split_cat_programs(aten, seed=1, count=3)
    assert len({p.id for p in variants}) == 3
    for program in variants:
        assert program.config == {"post_grad_fusion_options": {"normalization_aten_pass": {}}}  # itself
        assert "torch.split(x, [" in program.source
    unknown = entry("CallFunctionVarArgs(torch.frobnicate, MULTIPLE)", "normalization_pass")
    assert not can_write(unknown) and pattern_programs(unknown, 0, 2) == []


@requires_torch
def test_a_written_split_stack_triggers_its_pattern_under_the_real_probe() -> None:
    from fuzzfox.sandbox.pool import default_cache_dir
    from fuzzfox.targets import get_target
    from fuzzfox.whitebox.catalog import load_catalog

    catalog = {o.id: o for o in load_catalog(get_target("torch-inductor"), default_cache_dir())}
    optimization = catalog["split_cat.unbind_stack_to_slices"]
    (program,) = pattern_programs(optimization, seed=0, count=1)
    verdict = judge_in_sandbox([program], timeout_s=180.0)[program.name]
    assert verdict.outcome.value == "pass", verdict.explain()
    assert optimization.id in verdict.triggers, verdict.triggers
