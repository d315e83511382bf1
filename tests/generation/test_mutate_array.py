"""AST mutation of the jax-xla and tf-xla seed corpora: every operator applies somewhere, mutants
parse and say who made them, identity wraps keep the values, and most mutants run (for real, in one
subprocess per framework: forking or importing TF here would cost every other test)."""

from __future__ import annotations

import ast
import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fuzzfox.generation.generators import GenerationRequest, MutationGenerator
from fuzzfox.generation.mutate_array import OPERATORS, mutate
from fuzzfox.generation.ops import array as array_ops
from fuzzfox.program import Program, load_program, parse_program
from tests.conftest import ROOT, requires

SEEDS = {
    target: [load_program(path) for path in sorted((ROOT / "corpus" / target).glob("*.py"))]
    for target in array_ops.TARGETS
}
FRAMEWORK_MODULE = {array_ops.JAX: "jax", array_ops.TF: "tensorflow"}
MUTANTS_PER_SEED = 20
RUN_SAMPLE = 10
RUNNABLE_RATE = 0.8


def requires_framework(target: str) -> pytest.MarkDecorator:
    module = FRAMEWORK_MODULE[target]
    return requires(module, "jax" if module == "jax" else "tf")


# Run in a fresh interpreter: each program is written to a file and imported (tf.function's
# AutoGraph reads source), its inputs converted as the target does (jax arrays with x64 on,
# tf.constant), fn called.  Prints one JSON list: per program, null or the error, and the outputs
# as nested lists when asked.
EAGER_SCRIPT = textwrap.dedent(
    """
    import importlib.util, json, os, sys
    target, directory, want_values = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
    import numpy as np
    if target == "jax-xla":
        import jax, jax.numpy as jnp
        jax.config.update("jax_enable_x64", True)
        convert = jnp.asarray
        leaves = jax.tree_util.tree_leaves
    else:
        import tensorflow as tf
        convert = tf.constant
        leaves = tf.nest.flatten
    results = []
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        try:
            spec = importlib.util.spec_from_file_location(name[:-3], path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            np.random.seed(0)
            inputs = module.make_inputs()
            outputs = module.fn(*[convert(value) for value in inputs])
            arrays = [np.asarray(leaf) for leaf in leaves(outputs)]
            arrays = [np.stack([a.real, a.imag]) if np.iscomplexobj(a) else a for a in arrays]
            values = [a.tolist() for a in arrays] if want_values else None
            results.append({"error": None, "values": values})
        except Exception as error:
            results.append({"error": f"{type(error).__name__}: {str(error)[:300]}", "values": None})
    print(json.dumps(results))
    """
)


def run_eagerly(target: str, programs: list[Program], tmp_path: Path, values: bool = False) -> list[dict]:
    """Each program run once eagerly in one subprocess: [{"error": str | None, "values": ...}]."""
    directory = tmp_path / f"eager-{target}-{len(list(tmp_path.iterdir()))}"
    directory.mkdir()
    for number, program in enumerate(programs):
        (directory / f"program_{number:04d}.py").write_text(program.source)
    environment = {
        **os.environ,
        "JAX_PLATFORMS": "cpu",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "OMP_NUM_THREADS": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", EAGER_SCRIPT, target, str(directory), "1" if values else "0"],
        capture_output=True,
        text=True,
        timeout=600,
        env=environment,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def mutants(target: str, per_seed: int, seed: int = 0, operators: list[str] | None = None) -> list[Program]:
    rng = random.Random(seed)
    made = []
    for parent in SEEDS[target]:
        for _ in range(per_seed):
            mutant = mutate(parent, rng, mutations=rng.randint(1, 3), operators=operators)
            if mutant is not None:
                made.append(mutant)
    return made


@pytest.mark.parametrize("target", array_ops.TARGETS)
def test_twenty_mutants_of_every_seed_parse_and_name_their_maker_and_parent(target: str) -> None:
    rng = random.Random(1)
    made = missing = 0
    for parent in SEEDS[target]:
        for _ in range(MUTANTS_PER_SEED):
            mutant = mutate(parent, rng, mutations=rng.randint(1, 3))
            if mutant is None:
                missing += 1
                continue
            made += 1
            reparsed = parse_program(mutant.source)
            assert reparsed.source == mutant.source
            assert mutant.metadata["origin"].startswith("mutate:")
            assert set(mutant.metadata["origin"].removeprefix("mutate:").split("+")) <= set(OPERATORS)
            assert mutant.metadata["parent"] == parent.id
            assert mutant.target == target
            assert mutant.optimization == parent.optimization
            assert "description" not in mutant.metadata
            assert mutant.source != parent.source
    assert missing <= made * 0.02, f"{missing} of {made + missing} draws gave no mutant"


@pytest.mark.parametrize("target", array_ops.TARGETS)
def test_every_operator_applies_to_some_seed(target: str) -> None:
    for name in OPERATORS:
        found = mutants(target, per_seed=1, seed=3, operators=[name])
        assert found, f"{name} applied to no {target} seed"
        assert all(set(m.metadata["origin"].removeprefix("mutate:").split("+")) == {name} for m in found)


def test_the_same_rng_makes_the_same_mutant() -> None:
    parent = SEEDS[array_ops.JAX][0]
    first = mutate(parent, random.Random(5), mutations=2)
    second = mutate(parent, random.Random(5), mutations=2)
    assert first is not None and second is not None and first.source == second.source


def test_operators_do_what_they_say_on_a_known_program() -> None:
    source = textwrap.dedent(
        """
        # target: jax-xla
        # optimization: lax.cumsum.transpose
        import jax.numpy as jnp
        import numpy as np


        def fn(x, y):
            return jnp.cumsum(jnp.sin(x), axis=1) * jnp.max(y, axis=0, keepdims=True) + 0.5


        def make_inputs():
            x = np.random.randn(3, 4).astype(np.float32)
            return (x, np.random.uniform(0.5, 2.0, size=(3, 4)).astype(np.float32))
        """
    )
    parent = parse_program(source)

    def body(name: str, seed: int = 0) -> str:
        mutant = mutate(parent, random.Random(seed), operators=[name])
        assert mutant is not None, name
        return mutant.source.split("def fn", 1)[1]

    assert "jnp.sin(x)" not in body("swap_unary")
    assert "jnp.max(" not in body("swap_reduction")
    swapped = body("swap_binary").split("return", 1)[1].split("def make_inputs")[0]
    assert not ("axis=1) * jnp.max(" in swapped and swapped.rstrip().endswith("+ 0.5")), swapped
    original = parent.source.split("def fn", 1)[1]
    for seed in range(4):
        changed = body("change_axis", seed)
        assert changed != original
        assert changed.replace(" ", "").count("axis=") == 2, changed
    assert "keepdims=False" in body("toggle_flag")
    assert "float64" in body("dtypes")
    wrapped = body("wrap_identity")
    wraps = (
        "jnp.transpose(",
        "jnp.reshape(",
        "astype(jnp.float64)",
        "jnp.flip(",
        "jnp.negative(",
        "jnp.squeeze(",
    )
    assert any(w in wrapped for w in wraps), wrapped
    # Both inputs' sizes change together wherever the same literal appears.
    for seed in range(6):
        tree = ast.parse(textwrap.dedent(body("shapes", seed).split("def make_inputs():", 1)[1]))
        calls = {
            c.func.attr: c
            for c in ast.walk(tree)
            if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
        }
        randn = [a.value for a in calls["randn"].args]
        size = [e.value for e in calls["uniform"].keywords[0].value.elts]
        assert randn == size != [3, 4], (randn, size)


def test_a_flag_is_flipped_or_a_text_option_swapped_within_its_documented_set() -> None:
    source = textwrap.dedent(
        """
        # target: tf-xla
        # optimization: -
        import numpy as np
        import tensorflow as tf


        def fn(a, b):
            x = tf.linalg.triangular_solve(a, b, adjoint=False)
            return tf.pad(x, [[1, 0], [0, 2]], mode="REFLECT"), tf.einsum("ij->ji", x)


        def make_inputs():
            return (np.triu(np.random.randn(3, 3)) + 3 * np.eye(3), np.random.randn(3, 3))
        """
    )
    parent = parse_program(source)
    seen = set()
    for seed in range(20):
        mutant = mutate(parent, random.Random(seed), operators=["toggle_flag"])
        assert mutant is not None
        seen.add(ast.unparse(ast.parse(mutant.source).body[2].body[:2]))  # type: ignore[attr-defined]
    assert seen == {
        ast.unparse(ast.parse(source).body[2].body[:2]).replace(old, new)  # type: ignore[attr-defined]
        for old, new in [("False", "True"), ("'REFLECT'", "'SYMMETRIC'"), ("'REFLECT'", "'CONSTANT'")]
    }


def test_tf_dtype_changes_are_program_wide() -> None:
    """TF does not promote float32 with float64: a dtype change reaches every float dtype."""
    for parent in SEEDS[array_ops.TF]:
        mutant = mutate(parent, random.Random(0), operators=["dtypes"])
        if mutant is None:
            continue
        text = mutant.source
        assert not ("float32" in text and "float64" in text), text


def test_the_mutation_generator_dispatches_array_targets_to_the_array_mutator() -> None:
    examples = tuple(SEEDS[array_ops.TF][:3])
    request = GenerationRequest(array_ops.TF, "math_grad.Cumsum", None, examples, count=6, seed=4)
    candidates = MutationGenerator().generate(request)
    programs = [c.program for c in candidates if c.program is not None]
    assert len(programs) >= 5
    for program in programs:
        assert program.target == array_ops.TF
        assert program.optimization == "math_grad.Cumsum"
        assert program.metadata["origin"].startswith("mutate:")
        assert program.metadata["parent"] in {e.id for e in examples}


@requires_framework(array_ops.JAX)
def test_jax_mutants_run_eagerly_and_identity_wraps_keep_the_values(tmp_path: Path) -> None:
    """One JAX process for every JAX check."""
    sample = mutants(array_ops.JAX, per_seed=1, seed=11)[::4][:RUN_SAMPLE]
    parents = {p.id: p for p in SEEDS[array_ops.JAX]}
    wrapped = mutants(array_ops.JAX, per_seed=1, seed=2, operators=["wrap_identity"])[:8]
    originals = [parents[m.metadata["parent"]] for m in wrapped]
    results = run_eagerly(array_ops.JAX, [*sample, *wrapped, *originals], tmp_path, values=True)
    errors = [
        (p.metadata["origin"], r["error"])
        for p, r in zip(sample, results[: len(sample)], strict=True)
        if r["error"]
    ]
    assert len(sample) == RUN_SAMPLE
    assert len(errors) <= RUN_SAMPLE * (1 - RUNNABLE_RATE), errors
    _assert_same_values(
        wrapped, results[len(sample) : len(sample) + len(wrapped)], results[len(sample) + len(wrapped) :]
    )


@requires_framework(array_ops.TF)
def test_tf_mutants_run_eagerly_and_identity_wraps_keep_the_values(tmp_path: Path) -> None:
    """One TF process for every TF check (its import alone costs ~5 s)."""
    sample = mutants(array_ops.TF, per_seed=1, seed=11)[::3][:RUN_SAMPLE]
    parents = {p.id: p for p in SEEDS[array_ops.TF]}
    wrapped = [m for m in mutants(array_ops.TF, per_seed=1, seed=2, operators=["wrap_identity"])][:6]
    originals = [parents[m.metadata["parent"]] for m in wrapped]
    results = run_eagerly(array_ops.TF, [*sample, *wrapped, *originals], tmp_path, values=True)
    errors = [
        (p.metadata["origin"], r["error"])
        for p, r in zip(sample, results[: len(sample)], strict=True)
        if r["error"]
    ]
    assert len(sample) == RUN_SAMPLE
    assert len(errors) <= RUN_SAMPLE * (1 - RUNNABLE_RATE), errors
    _assert_same_values(
        wrapped, results[len(sample) : len(sample) + len(wrapped)], results[len(sample) + len(wrapped) :]
    )


def _assert_same_values(
    wrapped: list[Program], mutant_results: list[dict], parent_results: list[dict]
) -> None:
    import numpy as np

    for program, mine, theirs in zip(wrapped, mutant_results, parent_results, strict=True):
        assert mine["error"] is None and theirs["error"] is None, (program.source, mine, theirs)
        for a, b in zip(mine["values"], theirs["values"], strict=True):
            np.testing.assert_allclose(
                np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-6, err_msg=program.source
            )
