"""Op-graph synthesis for jax-xla and tf-xla: deterministic per seed, always a program, runnable
eagerly, and aimed: a rule the op registry knows puts its op in the program, and the target's
gradient oracle (through the real sandbox) records that rule as a trigger."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from fuzzfox.generation.generators import GenerationRequest, SynthGenerator
from fuzzfox.generation.ops import array as array_ops
from fuzzfox.generation.synth_array import EXPLORE, aimed, synthesize
from fuzzfox.program import parse_program
from fuzzfox.sandbox.isolation import Limits
from fuzzfox.sandbox.pool import PoolConfig, default_cache_dir, run_programs
from fuzzfox.targets import get_target
from fuzzfox.whitebox.catalog import load_catalog
from tests.generation.test_mutate_array import requires_framework, run_eagerly

COUNT = 20
RUNNABLE_RATE = 0.9
# Three rules per target, each with the call that must appear in an aimed program.
AIMED = {
    array_ops.JAX: {
        "lax.sort.jvp": "jnp.sort(",
        "lax.cumsum.transpose": "cumsum(",
        "lax.reduce_max.jvp": "",  # max, softmax or log_softmax: several ops reach it
        "lax.triangular_solve.jvp": "lax.linalg.triangular_solve(",
    },
    array_ops.TF: {
        "math_grad.Cumsum": "tf.math.cumsum(",
        "nn_grad.LeakyRelu": "tf.nn.leaky_relu(",
        "math_grad.Atan2": "tf.math.atan2(",
        "array_grad.MirrorPad": "mode=",
    },
}


@pytest.mark.parametrize("target", array_ops.TARGETS)
def test_the_same_seed_draws_the_same_programs_and_they_parse(target: str) -> None:
    first = synthesize(target, 7, COUNT)
    assert [p.source for p in first] == [p.source for p in synthesize(target, 7, COUNT)]
    assert len({p.id for p in first}) == COUNT
    other = synthesize(target, 8, COUNT)
    assert len({p.id for p in first} & {p.id for p in other}) <= 1
    for program in first:
        assert parse_program(program.source).source == program.source
        assert program.target == target
        assert program.metadata["origin"] == "synth"
        assert program.metadata["parent"] == "-"
        assert program.optimization == EXPLORE


@pytest.mark.parametrize("target", array_ops.TARGETS)
def test_a_rule_the_registry_knows_puts_its_op_in_every_program(target: str) -> None:
    for rule, call in AIMED[target].items():
        assert aimed(target, rule)
        programs = synthesize(target, 3, 5, rule)
        assert len(programs) == 5
        spellings = [(op.template(target) or "").split("(")[0] for op in array_ops.ops_reaching(target, rule)]
        for program in programs:
            assert program.optimization == rule
            body = program.source.split("def fn", 1)[1]
            assert call in body, program.source
            assert any(spelling in body for spelling in spellings), program.source


@pytest.mark.parametrize("target", array_ops.TARGETS)
def test_a_rule_the_registry_does_not_know_gives_explore_programs(target: str) -> None:
    unknown = "lax.ragged_all_to_all.jvp" if target == array_ops.JAX else "sparse_grad.SparseAdd"
    assert not aimed(target, unknown)
    programs = synthesize(target, 1, 4, unknown)
    assert programs and all(p.optimization == EXPLORE for p in programs)
    request = GenerationRequest(target, unknown, None, (), count=3, seed=2)
    candidates = SynthGenerator().generate(request)
    assert [c.program.optimization for c in candidates if c.program] == [EXPLORE] * 3
    aimed_request = GenerationRequest(target, next(iter(AIMED[target])), None, (), count=3, seed=2)
    for candidate in SynthGenerator().generate(aimed_request):
        assert candidate.program is not None
        assert candidate.program.target == target
        assert candidate.program.optimization == aimed_request.optimization


def test_the_registry_is_consistent() -> None:
    """Every placeholder is an argument, a parameter or a shape-derived value; domains match arity."""
    assert len({op.name for op in array_ops.OPS}) == len(array_ops.OPS)
    for op in array_ops.OPS:
        assert op.kind in array_ops.KINDS, op.name
        assert len(op.domains) == op.arity, op.name
        assert all(domain in array_ops.DOMAINS for domain in op.domains), op.name
        known = {"x", "axis", "keepdims"} | {p.name for p in op.params} | array_ops.SHAPE_PARAMS
        known |= {"y"} if op.arity == 2 else set()
        for target in array_ops.TARGETS:
            if not op.supports(target):
                continue
            assert set(op.placeholders(target)) <= known, (op.name, target, op.placeholders(target))
            assert "x" in op.placeholders(target), op.name
            assert ("y" in op.placeholders(target)) == (op.arity == 2), op.name
        assert all(rule.startswith("lax.") for rule in op.jax_rules), op.name
        assert all("." in unit and not unit.startswith("lax.") for unit in op.tf_grads), op.name
    recognized = array_ops.recognizer(array_ops.JAX)
    assert recognized["jax.numpy.sort"].name == "sort"
    assert array_ops.recognizer(array_ops.TF)["tensorflow.math.cumsum"].name == "cumsum"


@pytest.mark.parametrize("target", array_ops.TARGETS)
def test_every_rule_the_registry_names_is_in_the_target_catalog(target: str) -> None:
    framework = "jax" if target == array_ops.JAX else "tensorflow"
    if importlib.util.find_spec(framework) is None:
        pytest.skip(f"{framework} is not installed")
    catalog = {o.id for o in load_catalog(get_target(target), default_cache_dir())}
    missing = [unit for unit in array_ops.aimable_units(target) if unit not in catalog]
    assert not missing


ROLL_BY_A_NAME = re.compile(r"roll\((\w+), ([A-Za-z_]\w*), axis=")


@pytest.mark.parametrize("target", array_ops.TARGETS)
def test_a_roll_by_an_input_shift_gets_an_int32_scalar_the_function_receives(target: str) -> None:
    """``roll_traced``: under jit / tf.function the shift is traced, another path than a constant."""
    rule = "lax.dynamic_slice.jvp" if target == array_ops.JAX else "manip_grad.Roll"
    traced = [(p, m) for p in synthesize(target, 4, 12, rule) if (m := ROLL_BY_A_NAME.search(p.source))]
    assert traced
    for program, match in traced:
        shift = match.group(2)
        parameters = program.source.split("def fn(", 1)[1].split(")", 1)[0].split(", ")
        made = program.source.split("def make_inputs", 1)[1]
        assert shift in parameters, program.source
        assert re.search(rf"{shift} = .*\(-\d+, \d+, (size=)?\(\)\)\.astype\(np\.int32\)", made), made


@requires_framework(array_ops.JAX)
def test_jax_programs_run_eagerly(tmp_path: Path) -> None:
    programs = synthesize(array_ops.JAX, 21, COUNT)
    programs += [p for rule in AIMED[array_ops.JAX] for p in synthesize(array_ops.JAX, 5, 2, rule)]
    results = run_eagerly(array_ops.JAX, programs, tmp_path)
    errors = [(p.source, r["error"]) for p, r in zip(programs, results, strict=True) if r["error"]]
    assert len(errors) <= len(programs) * (1 - RUNNABLE_RATE), json.dumps(errors, indent=1)[:4000]


@requires_framework(array_ops.TF)
def test_tf_programs_run_eagerly(tmp_path: Path) -> None:
    """One TF process for every TF program (its import alone costs ~5 s)."""
    programs = synthesize(array_ops.TF, 21, COUNT)
    programs += [p for rule in AIMED[array_ops.TF] for p in synthesize(array_ops.TF, 5, 2, rule)]
    results = run_eagerly(array_ops.TF, programs, tmp_path)
    errors = [(p.source, r["error"]) for p, r in zip(programs, results, strict=True) if r["error"]]
    assert len(errors) <= len(programs) * (1 - RUNNABLE_RATE), json.dumps(errors, indent=1)[:4000]


@pytest.mark.parametrize(
    "target", [pytest.param(target, marks=requires_framework(target)) for target in array_ops.TARGETS]
)
def test_aimed_programs_trigger_their_rule_under_the_real_gradient_oracle(target: str) -> None:
    """Through the sandbox: the jax target records the autodiff rules differentiating a program
    used, the tf target the gradient registrations its tape looked up."""
    # Seed 3 draws small graphs: a cumlogsumexp or a loop costs the jax gradient oracle ~20 s more.
    programs = [synthesize(target, 3, 1, rule)[0] for rule in AIMED[target]]
    config = PoolConfig(target, {"oracles": ["grads"]}, jobs=1, limits=Limits(timeout_s=120))
    verdicts = {p.optimization: v for p, v in run_programs(config, programs)}
    for rule in AIMED[target]:
        verdict = verdicts[rule]
        assert rule in verdict.triggers, (verdict.explain(), verdict.triggers)
        assert verdict.outcome.value in ("pass", "dropped"), verdict.explain()
