"""AST mutation of corpus seeds: every operator applies somewhere, headers say who made what,
identity insertions keep the outputs, and most mutants still run (measured for real with torch)."""

from __future__ import annotations

import ast
import contextlib
import random
import re
from pathlib import Path
from typing import Any

import pytest

from fuzzfox.generation.mutate import MAX_CONSTANT, OPERATORS, mutate
from fuzzfox.program import Program, load_program, parse_program
from tests.conftest import CORPUS, PROGRAMS, requires_torch

SEEDS = [load_program(path) for path in sorted(CORPUS.glob("*.py"))]
BY_NAME = {program.name.removesuffix(".py"): program for program in SEEDS}
# Seeds that mutate tensors in place: wrapping a value in .clone() there changes what is mutated.
IN_PLACE = re.compile(r"\.\w+_\(|\]\s*=")
RUNNABLE_RATE = 0.6
# Operators whose mutants compute the same values as their parent.
VALUE_PRESERVING = ("respell", "respell_dim", "insert_permute", "insert_view", "insert_identity")


def body(program: Program) -> str:
    """The program without its header, as the AST sees it."""
    return ast.dump(ast.parse(program.source))


def run(program: Program) -> Any:
    """Build and run a program as the oracle does; training also runs backward. Raises what it raises."""
    import torch

    namespace: dict[str, Any] = {"__name__": "mutant"}
    exec(compile(program.source, program.name, "exec"), namespace)
    torch.manual_seed(0)
    model = namespace["Model"]() if "Model" in namespace else namespace["fn"]
    torch.manual_seed(0)
    inputs = namespace["make_inputs"]()
    training = program.mode == "training"
    with contextlib.nullcontext() if training else torch.no_grad():
        output = model(*inputs)
    outputs = output if isinstance(output, tuple) else (output,)
    if training and any(o.requires_grad for o in outputs):
        sum(o.float().sum() for o in outputs if o.requires_grad).backward()
    return outputs


def test_the_registry_names_its_operators() -> None:
    assert list(OPERATORS) == [
        "shapes", "dtypes", "constants", "flip_sign", "swap_operands", "swap_unary", "swap_binary",
        "swap_reduction", "swap_softmax", "respell", "respell_dim", "insert_permute", "insert_view",
        "insert_cast", "insert_identity", "relayout_input", "data_dependent", "options",
    ]  # fmt: skip


@pytest.mark.parametrize("operator", list(OPERATORS))
def test_each_operator_applies_to_a_seed_and_changes_its_ast(operator: str) -> None:
    applied = 0
    for parent in SEEDS:
        mutant = mutate(parent, random.Random(0), operators=[operator])
        if mutant is None:
            continue
        applied += 1
        assert parse_program(mutant.source).metadata == mutant.metadata
        assert body(mutant) != body(parent)
        assert mutant.metadata["origin"] == f"mutate:{operator}"
        assert mutant.metadata["parent"] == parent.id
        kept = {k: v for k, v in parent.metadata.items() if k not in ("origin", "parent", "description")}
        assert {k: v for k, v in mutant.metadata.items() if k not in ("origin", "parent")} == kept
    assert applied >= 5


def test_the_same_rng_state_makes_the_same_mutant() -> None:
    for number, parent in enumerate(SEEDS[::7]):
        first = mutate(parent, random.Random(number), mutations=3)
        again = mutate(parent, random.Random(number), mutations=3)
        assert first is not None and again is not None
        assert first.source == again.source
    different = {mutate(BY_NAME["unary_chain_fusion"], random.Random(seed)).source for seed in range(10)}
    assert len(different) >= 8


def test_several_mutations_are_all_named_in_the_origin() -> None:
    mutant = mutate(BY_NAME["mkldnn_conv_add_relu_fusion"], random.Random(2), mutations=3)
    assert mutant is not None
    origin, _, ops = mutant.metadata["origin"].partition(":")
    assert origin == "mutate" and len(ops.split("+")) == 3
    assert set(ops.split("+")) <= set(OPERATORS)
    assert mutant.metadata["config"] == "freezing=True"
    assert "description" not in mutant.metadata


def test_nothing_to_mutate_gives_none() -> None:
    bare = parse_program(
        "import torch\n\ndef fn(x):\n    return x\n\ndef make_inputs():\n    return (torch.arange(4),)\n"
    )
    assert mutate(bare, random.Random(0), mutations=3) is None
    assert mutate(BY_NAME["unary_chain_fusion"], random.Random(0), operators=[]) is None


def test_resized_inputs_keep_layer_widths_consistent() -> None:
    """pointless_permute_pair: Linear(8, 8) on a (2, 4, 8) input; an 8 changes everywhere or nowhere."""
    parent = BY_NAME["pointless_permute_pair"]
    seen = set()
    for seed in range(30):
        mutant = mutate(parent, random.Random(seed), operators=["shapes"])
        assert mutant is not None
        width_in, width_out = map(int, re.search(r"Linear\((\d+), (\d+)\)", mutant.source).groups())  # type: ignore[union-attr]
        sizes = tuple(map(int, re.search(r"randn\((\d+), (\d+), (\d+)\)", mutant.source).groups()))  # type: ignore[union-attr]
        assert width_in == width_out == sizes[2]
        assert max(sizes) <= 64
        seen.add(sizes)
    assert len(seen) >= 5


def test_resizing_leaves_split_totals_alone() -> None:
    """x (6, 10) split into [2, 3, 5]: resizing the 10 would break the split, the 6 does not."""
    for seed in range(20):
        mutant = mutate(BY_NAME["splitwithsizes_cat_elimination"], random.Random(seed), operators=["shapes"])
        assert mutant is not None
        assert re.search(r"randn\(\d+, 10\)", mutant.source) and "[2, 3, 5]" in mutant.source


def test_perturbed_constants_stay_small_and_leave_dims_alone() -> None:
    parent = BY_NAME["mkldnn_conv_leaky_relu_fusion"]  # negative_slope=0.1, kernel_size=3, padding=1
    for seed in range(20):
        mutant = mutate(parent, random.Random(seed), operators=["constants"])
        assert mutant is not None
        assert "kernel_size=3, padding=1" in mutant.source and "Conv2d(3, 8" in mutant.source
        slope = re.search(r"negative_slope=(-?[\d.e+-]+)", mutant.source)
        assert (
            slope is not None and float(slope.group(1)) != 0.1 and abs(float(slope.group(1))) < MAX_CONSTANT
        )


def test_retyping_a_model_with_layers_casts_its_parameters_too() -> None:
    for seed in range(10):
        mutant = mutate(BY_NAME["concat_linear"], random.Random(seed), operators=["dtypes"])
        assert mutant is not None
        dtypes = set(re.findall(r"dtype=torch\.(\w+)", mutant.source))
        assert len(dtypes) == 1 and dtypes != {"float32"}
        assert f"self.to(torch.{dtypes.pop()})" in mutant.source


def test_mutating_odd_programs_never_raises() -> None:
    programs = [load_program(path) for path in sorted(PROGRAMS.rglob("*.py"))]
    programs += SEEDS
    for number, program in enumerate(programs):
        for seed in range(3):
            mutant = mutate(
                program, random.Random(number * 10 + seed), mutations=random.Random(seed).randint(1, 4)
            )
            assert mutant is None or parse_program(mutant.source).source == mutant.source


@requires_torch
@pytest.mark.parametrize("operator", VALUE_PRESERVING)
def test_identity_insertions_and_respellings_keep_the_outputs(operator: str) -> None:
    import torch

    compared = 0
    for number, parent in enumerate(SEEDS):
        mutant = mutate(parent, random.Random(number), operators=[operator])
        if compared == 12 or mutant is None or IN_PLACE.search(parent.source):
            continue
        for expected, actual in zip(run(parent), run(mutant), strict=True):
            torch.testing.assert_close(
                actual, expected, rtol=1e-5, atol=1e-6, equal_nan=True, msg=mutant.source
            )
        compared += 1
    assert compared >= 10


@requires_torch
def test_most_mutants_of_corpus_seeds_run() -> None:
    """Fifteen seeds, four mutants each of one to three mutations; shapes may break, rarely."""
    seeds = SEEDS[::5][:15]
    results: list[tuple[Program, str | None]] = []
    for number, parent in enumerate(seeds):
        rng = random.Random(number)
        for _ in range(4):
            mutant = mutate(parent, rng, mutations=rng.randint(1, 3))
            assert mutant is not None
            results.append((mutant, _error(mutant)))
    failures = [(m, e) for m, e in results if e is not None]
    print(f"mutants: {len(results) - len(failures)}/{len(results)} run eagerly")
    for mutant, error in failures:
        print(mutant.metadata["origin"], error)
    assert len(failures) <= (1 - RUNNABLE_RATE) * len(results)


def _error(program: Program) -> str | None:
    try:
        run(program)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def test_corpus_path_is_the_seed_corpus() -> None:
    assert len(SEEDS) >= 80 and all(Path(p.path or "").parent == CORPUS for p in SEEDS)


def test_flip_sign_negates_one_constant_of_the_model() -> None:
    parent = BY_NAME["mkldnn_conv_leaky_relu_fusion"]  # negative_slope=0.1
    mutant = mutate(parent, random.Random(0), operators=["flip_sign"])
    assert mutant is not None and "negative_slope=-0.1" in mutant.source


def test_swap_operands_swaps_order_sensitive_operands_and_clamp_bounds() -> None:
    source = program_of(
        "x, y", "    return torch.clamp(x - y, min=-0.5, max=2.0)", "torch.randn(4), torch.randn(4)"
    )
    assert fn_bodies(source, "swap_operands", 12) == {
        "return torch.clamp(y - x, min=-0.5, max=2.0)",
        "return torch.clamp(x - y, min=2.0, max=-0.5)",
    }


def program_of(parameters: str, body: str, inputs: str) -> str:
    """A test program: ``fn(parameters)`` running ``body`` on ``make_inputs()``'s ``inputs``."""
    return (
        "# target: torch-inductor\n# optimization: -\n# origin: test\n# parent: -\n"
        f"import torch\n\n\ndef fn({parameters}):\n{body}\n\n\n"
        f"def make_inputs():\n    return ({inputs},)\n"
    )


def fn_bodies(source: str, operator: str, seeds: int) -> set[str]:
    """The bodies of ``fn`` in the mutants ``operator`` makes of ``source`` with seeds 0..seeds-1."""
    parent = parse_program(source)
    bodies = set()
    for seed in range(seeds):
        mutant = mutate(parent, random.Random(seed), operators=[operator])
        assert mutant is not None
        bodies.add(ast.unparse(ast.parse(mutant.source).body[1].body))  # type: ignore[attr-defined]
    return bodies


OPTIONS = (
    "# target: torch-inductor\n# optimization: -\n# origin: test\n# parent: -\n"
    "import torch\nimport torch.nn.functional as F\n\n\nclass Model(torch.nn.Module):\n"
    "    def __init__(self):\n        super().__init__()\n        self.act = torch.nn.Softplus()\n\n"
    "    def forward(self, x, y):\n"
    "        loss = F.mse_loss(F.gelu(x), y, reduction='mean')\n"
    "        return self.act(x).sum(dim=1, keepdim=True) + loss\n\n\n"
    "def make_inputs():\n    return (torch.randn(4, 6), torch.randn(4, 6))\n"
)


def test_an_option_is_flipped_swapped_within_its_enum_or_set_where_the_call_left_its_default() -> None:
    parent = parse_program(OPTIONS)
    seen: set[str] = set()
    for seed in range(40):
        mutant = mutate(parent, random.Random(seed), operators=["options"])
        assert mutant is not None and mutant.metadata["origin"] == "mutate:options"
        changed = {
            line for line in set(mutant.source.splitlines()) - set(parent.source.splitlines())
            if not line.startswith("#")
        }  # fmt: skip
        assert len(changed) == 1
        seen |= changed
    assert seen == {
        "        return self.act(x).sum(dim=1, keepdim=False) + loss",
        "        loss = F.mse_loss(F.gelu(x), y, reduction='sum')",
        "        loss = F.mse_loss(F.gelu(x), y, reduction='none')",
        "        loss = F.mse_loss(F.gelu(x, approximate='tanh'), y, reduction='mean')",
        "        self.act = torch.nn.Softplus(beta=2.0)",
        "        self.act = torch.nn.Softplus(beta=0.5)",
        "        self.act = torch.nn.Softplus(threshold=5.0)",
        "        self.act = torch.nn.Softplus(threshold=1.0)",
    }


def test_a_dim_is_written_from_the_other_end_of_its_operands_rank_but_not_unsqueezes() -> None:
    source = program_of(
        "x",
        "    y = torch.softmax(x, dim=-1).unsqueeze(dim=1)\n"
        "    return x.sum(dim=(0, 2)) + y.mean(dim=2).sum(dim=1)",
        "torch.randn(2, 3, 4)",
    )
    body_of = ast.unparse(ast.parse(source).body[1].body)  # type: ignore[attr-defined]
    assert fn_bodies(source, "respell_dim", 30) == {
        body_of.replace(old, new)
        for old, new in [
            ("dim=-1)", "dim=2)"),  # softmax of a rank-3 x
            ("(0, 2)", "(-3, 2)"),
            ("(0, 2)", "(0, -1)"),
            ("mean(dim=2)", "mean(dim=-2)"),  # y is rank 4
            ("sum(dim=1)", "sum(dim=-2)"),  # y.mean(dim=2) rank 3
        ]
    }


def test_a_text_argument_outside_every_enum_set_is_left_alone() -> None:
    source = OPTIONS.replace("F.gelu(x)", "torch.einsum('ij->ij', x)").replace("reduction='mean'", "")
    source = source.replace("torch.nn.Softplus()", "torch.nn.ReLU()").replace(", keepdim=True", "")
    assert mutate(parse_program(source), random.Random(0), operators=["options"]) is None


SINE = (
    "import torch\n\ndef fn(x):\n    return x.sin()\n\ndef make_inputs():\n    return (torch.randn(4, 6),)\n"
)


def test_an_input_gets_another_layout_with_the_same_shape() -> None:
    strides = set()
    for seed in range(12):
        mutant = mutate(parse_program(SINE), random.Random(seed), operators=["relayout_input"])
        assert mutant is not None
        namespace: dict = {}
        exec(mutant.source, namespace)
        (x,) = namespace["make_inputs"]()
        assert x.shape == (4, 6), mutant.source
        strides.add(x.stride())
    assert {(1, 4), (12, 2), (0, 1)} <= strides  # column-major, strided, expanded


def test_a_computed_result_gets_a_data_dependent_term() -> None:
    mutant = mutate(parse_program(SINE), random.Random(0), operators=["data_dependent"])
    assert mutant is not None
    assert any(word in mutant.source for word in (".item()", "> 0]", "nonzero"))
