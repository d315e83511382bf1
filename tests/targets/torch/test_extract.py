"""Extraction of Inductor's optimizations and the trigger probe, on the installed torch."""

from __future__ import annotations

import dataclasses
import json
import re

from fuzzfox.sandbox.pool import default_cache_dir
from fuzzfox.targets import get_target
from fuzzfox.whitebox.catalog import CATALOG_FORMAT, load_catalog
from tests.conftest import judge_in_sandbox, program, run_cli


def test_catalog_lists_hundreds_of_located_optimizations() -> None:
    # the suite's shared cache: extraction records OpInfo samples and takes a while
    catalog = load_catalog(get_target("torch-inductor"), default_cache_dir())
    assert len(catalog) >= 400
    assert len({o.id for o in catalog}) == len(catalog)
    kinds = {o.kind for o in catalog}
    assert kinds == {
        "graph_pattern", "replacement", "lowering_pattern", "pass_function", "decomposition", "lowering"
    }  # fmt: skip
    by_id = {o.id: o for o in catalog}
    permute = by_id["joint_graph.pointless_permute_pair"]
    assert permute.file == "_inductor/fx_passes/joint_graph.py" and permute.cpu
    assert "def pointless_permute_pair" in permute.source and permute.fired_lines
    assert all(permute.first_line < line <= permute.last_line for line in permute.fired_lines)
    assert not by_id[next(i for i in by_id if i.startswith("pad_mm."))].cpu
    noop = by_id["post_grad.remove_noop_ops"]
    assert noop.kind == "pass_function" and "erase_node" in noop.source
    assert any(o.kind == "replacement" and o.id.startswith("fuse_attention._sfdp_pattern") for o in catalog)
    lerp = by_id["decomposition.aten.lerp"]  # Inductor's own, for both overloads
    assert lerp.file == "_inductor/decomposition.py" and lerp.cpu
    assert "aten.lerp.Scalar" in lerp.source and "def " in lerp.source
    # calls of its op recorded from OpInfo samples: the call's text and a spec per tensor
    assert lerp.recipe and all(c["call"].startswith("torch.ops.aten.lerp.") for c in lerp.recipe["calls"])
    index_call = by_id["lowering.aten.index"].recipe["calls"][0]
    assert any(spec["dtype"] == "int64" and "values" in spec for spec in index_call["inputs"])
    assert not any(o.recipe for i, o in by_id.items() if "backward" in i)  # no forward computed them
    assert by_id["lowering.aten.cat"].file == "_inductor/lowering.py"
    assert "lowering.aten._adaptive_avg_pool3d" not in by_id  # a fallback to the eager kernel
    assert not by_id["lowering._c10d_functional.all_reduce"].cpu


def test_cached_catalog_is_reused(tmp_path) -> None:
    target = get_target("torch-inductor")
    shared = load_catalog(target, default_cache_dir())
    cached = tmp_path / "catalog" / f"torch-inductor-{target.version()}{CATALOG_FORMAT}.json"
    cached.parent.mkdir()
    renamed = dataclasses.replace(shared[0], id="joint_graph.renamed_in_cache")
    cached.write_text(json.dumps({"optimizations": [renamed.to_dict()]}))
    assert [o.id for o in load_catalog(target, tmp_path)] == ["joint_graph.renamed_in_cache"]


def test_probe_sees_the_rewrite_a_program_reaches_and_not_others() -> None:
    verdicts = judge_in_sandbox([program("permute_pair.py"), program("cat_no_relu.py")])
    assert verdicts["permute_pair.py"].outcome.value == "pass"
    assert "joint_graph.pointless_permute_pair" in verdicts["permute_pair.py"].triggers
    assert "joint_graph.pointless_permute_pair" not in verdicts["cat_no_relu.py"].triggers
    assert {"decomposition.aten.cat", "lowering.aten.cat"} <= set(verdicts["cat_no_relu.py"].triggers)
    assert "lowering.aten.cat" not in verdicts["permute_pair.py"].triggers


def test_optimizations_list_command() -> None:
    result = run_cli("optimizations", "list", "--cpu-only")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if re.search(r"_inductor/\S+\.py:\d+", line)]
    assert len(rows) >= 400
    assert re.search(r"\d+ optimizations \(\d+ reachable on CPU\) in torch-inductor", result.stdout)
