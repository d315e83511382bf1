"""The fault-injection benchmark (bench/faults): fault files, witnesses, the shadow copy, the report.

Nothing here compiles except the test marked slow (one `verify` of one torch fault).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fuzzfox.program import load_program
from tests.conftest import requires_torch

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "bench" / "faults" / "run.py"


def _load_runner():
    spec = importlib.util.spec_from_file_location("bench_faults_run", RUNNER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


faults = _load_runner()
FAULT_FILES = faults.fault_files()
TORCH_FAULTS = [p for p in FAULT_FILES if p.parent.name == "torch"]


def test_there_are_enough_torch_faults_of_every_kind():
    loaded = [faults.load_fault(p) for p in TORCH_FAULTS]
    assert len(loaded) >= 22
    assert {f.kind for f in loaded} == set(faults.KINDS)
    assert len({f.file for f in loaded}) >= 8  # spread over the compiler, not one file


@pytest.mark.parametrize("path", FAULT_FILES, ids=lambda p: p.stem)
def test_fault_file_parses_and_has_a_witness_program(path):
    fault = faults.load_fault(path)
    assert fault.id == path.stem
    assert fault.witness.is_file(), f"no witness {fault.witness}"
    program = load_program(fault.witness, fault.target)
    assert program.target == fault.target
    assert "corpus" not in fault.witness.parts  # witnesses are never seeds


@pytest.mark.parametrize("path", FAULT_FILES, ids=lambda p: p.stem)
def test_fault_applies_to_the_installed_framework(path):
    fault = faults.load_fault(path)
    if reason := faults.missing_reason(fault):
        pytest.skip(reason)
    text = faults.installed_file(fault).read_text()
    assert faults.stale_reasons(fault, text) == []
    patched = faults.patched_text(fault, text)
    assert patched != text
    assert all(item.new in patched for item in fault.replace)


def _write_fault(directory: Path, fault_id: str, **fields) -> Path:
    values = {
        "id": fault_id,
        "framework": "torch",
        "target": "torch-inductor",
        "file": "torch/_inductor/lowering.py",
        "kind": "wrong_value",
        "oracle": "values",
        "description": "test fault",
        **fields,
    }
    lines = [f"{key} = {json.dumps(value)}" for key, value in values.items() if value is not None]
    lines += ["", "[[replace]]", "old = '''x = 1'''", "new = '''x = 2'''"]
    path = directory / "torch" / f"{fault_id}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"id": "other-name"}, "differs from the file name"),
        ({"kind": "slow"}, "kind must be one of"),
        ({"oracle": "values,speed"}, "oracle must be"),
        ({"target": "jax-xla"}, "target of a torch fault"),
        ({"file": "numpy/core.py"}, "inside the torch package"),
        ({"description": None}, "missing key 'description'"),
    ],
)
def test_bad_fault_files_are_refused_in_one_line(tmp_path, fields, message):
    path = _write_fault(tmp_path, "bad-fault", **fields)
    with pytest.raises(faults.BenchError, match=message) as error:
        faults.load_fault(path)
    assert "\n" not in str(error.value)


def test_a_fault_whose_old_text_is_gone_is_stale(tmp_path):
    fault = faults.load_fault(_write_fault(tmp_path, "stale-fault"))
    assert faults.stale_reasons(fault, "y = 1\n") == ["replace #1 ('x = 1'...) occurs 0 times, not once"]
    assert faults.stale_reasons(fault, "x = 1\nx = 1\n")[0].endswith("occurs 2 times, not once")
    with pytest.raises(faults.BenchError, match="stale fault stale-fault"):
        faults.patched_text(fault, "y = 1\n")
    assert faults.patched_text(fault, "a\nx = 1\n") == "a\nx = 2\n"


def test_unknown_fault_id_is_one_line_and_exit_2(capsys):
    assert faults.main(["verify", "--fault", "no-such-fault"]) == faults.EXIT_USAGE
    error = capsys.readouterr().err.strip()
    assert error == "faults: error: no fault 'no-such-fault' (see: bench/faults/run.py list)"


def test_witnesses_are_never_seeds(tmp_path, capsys):
    out = str(tmp_path / "out")
    arguments = ["run", "--minutes", "1", "--out", out, "--seeds", str(ROOT / "bench" / "faults")]
    assert faults.main(arguments) == faults.EXIT_USAGE
    assert "holds fault witnesses, which are never seeds" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_relative_paths_are_taken_from_where_the_command_ran(tmp_path, monkeypatch):
    """Campaigns run in the checkout's root: ``--out runs/x`` from elsewhere must not land there."""
    monkeypatch.chdir(tmp_path)
    args = faults._absolute_paths(faults.build_parser().parse_args(["run", "--minutes", "1", "--out", "o",
                                                                    "--seeds", "s1", "s2"]))  # fmt: skip
    assert args.out == tmp_path / "o" and args.seeds == [tmp_path / "s1", tmp_path / "s2"]


def test_list_names_every_fault(capsys):
    assert faults.main(["list"]) == 0
    out = capsys.readouterr().out
    assert all(path.stem in out for path in FAULT_FILES)


def _fake_fault(file: str, old: str, new: str):
    return faults.Fault(
        id="fake-fault",
        framework="torch",
        target="torch-inductor",
        file=file,
        kind="wrong_value",
        oracle=("values",),
        description="fake",
        replace=(faults.Replacement(old, new),),
        path=Path("fake-fault.toml"),
    )


def test_shadow_copy_links_everything_but_the_patched_file(tmp_path):
    site = tmp_path / "site"
    package = site / "fakepkg"
    (package / "__pycache__").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "mod.py").write_text("VALUE = 1\n")
    (package / "other.py").write_text("OTHER = 3\n")
    (package / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"stale bytecode")
    (package / "__pycache__" / "other.cpython-311.pyc").write_bytes(b"kept")
    original = package / "mod.py"
    before = faults.file_identity(original)

    shadow = faults.Shadow(_fake_fault("fakepkg/mod.py", "VALUE = 1", "VALUE = 2"), tmp_path / "shadow", site)
    shadow.build()
    copy = tmp_path / "shadow" / "fakepkg"
    assert faults.file_identity(original) == before
    assert original.read_text() == "VALUE = 1\n"
    assert (copy / "mod.py").read_text() == "VALUE = 2\n"
    assert (copy / "mod.py").stat().st_ino != original.stat().st_ino
    assert (copy / "other.py").stat().st_ino == (package / "other.py").stat().st_ino  # a hard link
    assert not (copy / "__pycache__" / "mod.cpython-311.pyc").exists()
    assert (copy / "__pycache__" / "other.cpython-311.pyc").exists()

    env = shadow.environment({**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"})
    assert env["PYTHONPATH"].split(os.pathsep)[:2] == [str(tmp_path / "shadow"), str(site)]
    result = subprocess.run(
        [sys.executable, "-c", "import fakepkg.mod as m; print(m.__file__, m.VALUE)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [str(copy / "mod.py"), "2"]
    assert shadow.check_import(env) == str(copy / "__init__.py")
    shadow.remove()
    assert not (tmp_path / "shadow").exists()
    assert faults.file_identity(original) == before


def test_shadow_refuses_an_import_that_does_not_resolve_into_it(tmp_path):
    site = tmp_path / "site"
    (site / "fakepkg").mkdir(parents=True)
    (site / "fakepkg" / "__init__.py").write_text("")
    (site / "fakepkg" / "mod.py").write_text("VALUE = 1\n")
    shadow = faults.Shadow(_fake_fault("fakepkg/mod.py", "VALUE = 1", "VALUE = 2"), tmp_path / "shadow", site)
    shadow.build()
    env = {**os.environ, "PYTHONPATH": str(site)}  # the shadow is not on the path
    with pytest.raises(faults.BenchError, match="not into the shadow tree"):
        shadow.check_import(env)
    shadow.remove()


@requires_torch
def test_torch_shadow_imports_the_patched_torch_and_leaves_the_installed_one_alone(tmp_path):
    fault = faults.load_fault(TORCH_FAULTS[0])
    original = faults.installed_file(fault)
    before = faults.file_identity(original)
    shadow = faults.Shadow(fault, tmp_path / "shadow").build()
    assert faults.file_identity(original) == before
    env = shadow.environment({**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    script = (
        "import importlib.util, torch\n"
        f"origin = importlib.util.find_spec({fault.module!r}).origin\n"
        "print(torch.__file__); print(origin)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, timeout=600
    )
    torch_file, module_file = result.stdout.split()
    assert Path(torch_file) == tmp_path / "shadow" / "torch" / "__init__.py"
    assert Path(module_file) == tmp_path / "shadow" / fault.file
    text = Path(module_file).read_text()
    assert all(item.new in text for item in fault.replace)
    assert all(item.old not in text for item in fault.replace)
    shadow.remove()
    assert faults.file_identity(original) == before
    assert original.read_text().count(fault.replace[0].old) == 1


def test_recheck_statuses_decide_found_and_unpatched_failing():
    assert faults.fails({"status": "still failing", "detail": "1/1 runs show it"})
    assert faults.fails({"status": "changed", "detail": "now wrong_value at execution (inductor)"})
    assert not faults.fails({"status": "changed", "detail": "now invalid: eager raises"})
    assert not faults.fails({"status": "fixed", "detail": "1/1 runs pass"})
    assert not faults.fails(None)
    assert faults.clean({"status": "fixed", "detail": "1/1 runs pass"})
    assert faults.clean(
        {"status": "changed", "detail": "now dropped: grads: reverse-over-reverse: not implemented"}
    )
    assert not faults.clean({"status": "changed", "detail": "now invalid: eager raises"})
    assert not faults.clean({"status": "still failing", "detail": "1/1 runs show it"})
    assert not faults.clean(None)


def _result(fault_id: str, found: bool, minutes: float | None, clusters: int, failing: int) -> dict:
    listed = [
        {"id": f"c{i}", "title": "wrong_value", "unpatched_failing": i < failing, "found": found and i == 0}
        for i in range(clusters)
    ]
    return {
        "fault": fault_id,
        "kind": "wrong_value",
        "found": found,
        "minutes_to_first_find": minutes,
        "n_clusters": clusters,
        "clusters": listed,
        "unpatched_failing_clusters": [c["id"] for c in listed if c["unpatched_failing"]],
        "programs_run": 100,
        "campaign_wall_s": 600.0,
        "cpu_seconds": 1200.0,
        "campaign_oracles": "values",
        "fuzzfox_commit": "1234567890ab",
    }


def test_report_totals(tmp_path, capsys):
    results = (_result("a", True, 2.0, 2, 0), _result("b", True, 6.0, 1, 1), _result("c", False, None, 0, 0))
    results[1]["clusters"][0]["known"] = "corpus/regressions/torch-inductor/y.py"
    results[2]["fuzzfox_commit"] = "ba0987654321"
    for result in results:
        (tmp_path / result["fault"]).mkdir()
        (tmp_path / result["fault"] / faults.RESULT).write_text(json.dumps(result))
    assert faults.main(["report", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "found: 2/3 (67%)" in out
    assert "median minutes to first find: 4.0" in out
    assert "clusters: 3; unpatched-failing clusters" in out and "positives): 1" in out
    assert "faults found per CPU-hour: 2.00 (1.00 CPU-hours" in out
    assert "(1 of 1 named by triage as a known real bug" in out and "b: c0 wrong_value [known: y.py]" in out
    assert "fuzzfox commits (results from several checkouts): 1234567890ab 2, ba0987654321 1" in out
    every_fault = len(faults.load_faults())
    assert f"not run here: {every_fault} of the {every_fault} faults (jax " in out
    assert (tmp_path / "report.md").exists()


def test_compare_counts_only_the_faults_run_in_both(tmp_path, capsys):
    arms = {
        "before": (_result("a", False, None, 0, 0), _result("b", True, 3.0, 2, 1)),
        "after": (
            _result("a", True, 1.5, 1, 0),
            _result("b", True, 2.0, 1, 0),
            _result("c", True, 1.0, 1, 0),
        ),
    }
    arms["before"][0]["seed_seconds_mean"], arms["after"][0]["seed_seconds_mean"] = 6.0, 4.3  # b: none
    for arm, results in arms.items():
        for result in results:
            (tmp_path / arm / result["fault"]).mkdir(parents=True)
            (tmp_path / arm / result["fault"] / faults.RESULT).write_text(json.dumps(result))
    assert faults.main(["compare", str(tmp_path / "before"), str(tmp_path / "after")]) == 0
    out = capsys.readouterr().out
    assert "found: 1/2 -> 2/2; clusters: 2 -> 2; unpatched-failing: 1 -> 0" in out
    assert "yes (1.5 min)" in out and "\nc " not in out
    rows = {line.split()[0]: line for line in out.splitlines() if line[:2] in ("a ", "b ")}
    assert rows["a"].endswith("6.0 -> 4.3") and rows["b"].endswith("- -> -")  # the host's speed


def test_seed_seconds_is_the_mean_time_of_the_seed_programs_only(tmp_path):
    from fuzzfox.campaign import META_SCHEMA
    from fuzzfox.store import Store

    assert faults.seed_seconds(tmp_path) is None  # no store
    Store(tmp_path).close()
    db = sqlite3.connect(tmp_path / faults.DATABASE)
    db.executescript(META_SCHEMA)
    for number, (origin, seconds) in enumerate((("seed", 4.0), ("seed", 6.0), ("opinfo", 20.0))):
        db.execute(
            "INSERT INTO programs VALUES (?, 't', 'o', ?, '-', NULL, '{}', '', 0)", (f"p{number}", origin)
        )
        db.execute(
            "INSERT INTO runs VALUES (?, ?, 'k', 1.0, ?, 'pass', NULL, NULL, NULL)",
            (number, f"p{number}", seconds),
        )
    db.commit()
    db.close()
    assert faults.seed_seconds(tmp_path) == 5.0


@pytest.mark.slow
@requires_torch
def test_verify_one_torch_fault(tmp_path, capsys):
    fault = faults.load_fault(TORCH_FAULTS[0])
    assert faults.main(["verify", "--fault", fault.id, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1 of 1 witnesses discriminate" in out
    assert not (tmp_path / fault.id / "shadow").exists()


def test_clusters_say_which_known_bug_triage_named_them(tmp_path):
    from fuzzfox.store import Store
    from fuzzfox.triage.clusters import SCHEMA

    Store(tmp_path).close()
    db = sqlite3.connect(tmp_path / faults.DATABASE)
    db.executescript(SCHEMA)
    signature = json.dumps({"symptom": "crash", "stage": "execution", "backend": "inductor"})
    for cluster in ("known1", "fresh2"):
        db.execute("INSERT INTO clusters VALUES (?, ?, 'p', 'k', '{}', 1, 1, 0.0)", (cluster, signature))
    db.execute("INSERT INTO known_bugs VALUES ('known1', 'corpus/regressions/torch-inductor/x.py', 'd')")
    db.commit()
    known = {c["id"]: c["known"] for c in faults.clusters_of(tmp_path)}
    assert known == {"known1": "corpus/regressions/torch-inductor/x.py", "fresh2": ""}
    db.execute("DROP TABLE known_bugs")  # a store triaged before known bugs were named
    db.commit()
    db.close()
    assert {c["known"] for c in faults.clusters_of(tmp_path)} == {""}


def test_reach_names_the_patched_optimization_and_counts_the_programs_that_triggered_it(tmp_path):
    import fault_reach

    from fuzzfox.campaign import META_SCHEMA
    from fuzzfox.store import Store

    text = (
        "def a():\n    return 1\n\n\ndef helper(x):\n    return x < 0\n\n\ndef b():\n    return helper(2)\n"
    )
    patch = "    return x < 0\n"
    spans = fault_reach.patched_lines(text, [patch, "not in the file"])
    assert spans == [(6, 6)]
    catalog = [
        {"id": "m.a", "file": "pkg/m.py", "first_line": 1, "last_line": 2, "source": "def a(): ..."},
        {"id": "m.b", "file": "pkg/m.py", "first_line": 9, "last_line": 10, "source": "return x < 0"},
        {"id": "n.b", "file": "pkg/n.py", "first_line": 5, "last_line": 6, "source": ""},
    ]
    # no optimization's lines hold line 6: the one whose source holds the helper's line is named
    assert fault_reach.faulted_optimizations(catalog, "fw/pkg/m.py", spans, [patch]) == ["m.b"]
    assert fault_reach.faulted_optimizations(catalog, "fw/pkg/m.py", [(2, 2)], ["return 1"]) == ["m.a"]

    Store(tmp_path).close()
    db = sqlite3.connect(tmp_path / faults.DATABASE)
    db.executescript(META_SCHEMA)
    db.execute("INSERT INTO campaign_meta VALUES ('created', '1000.0')")
    runs = [("p1", 1090.0, "m.b"), ("p2", 1030.0, "m.b"), ("p2", 1200.0, "m.b"), ("p3", 1010.0, "m.a")]
    for number, (program, finished, triggered) in enumerate(runs):
        db.execute(
            "INSERT OR IGNORE INTO programs VALUES (?, 't', 'o', 's', '-', NULL, '{}', '', 0)", (program,)
        )
        db.execute(
            "INSERT INTO runs VALUES (?, ?, ?, ?, 1.0, 'pass', NULL, NULL, NULL)",
            (number, program, f"k{number}", finished),
        )
        db.execute("INSERT INTO triggers VALUES (?, ?)", (number, triggered))
    db.commit()
    db.close()
    assert fault_reach.reaching_programs(tmp_path / faults.DATABASE, ["m.b"]) == (2, 0.5)  # p1, p2; at 1030
    assert fault_reach.reaching_programs(tmp_path / faults.DATABASE, ["z"]) == (0, None)
    assert fault_reach.reaching_programs(tmp_path / "none.sqlite", ["m.b"]) == (0, None)


def test_coverage_counts_the_optimizations_reached_and_the_pattern_handlers_among_them(tmp_path):
    import fault_reach

    from fuzzfox.store import Store

    def optimization(ident: str, kind: str, source: str) -> dict:
        return {"id": ident, "kind": kind, "pass_name": "p", "file": "f.py", "first_line": 1,
                "last_line": 2, "source": source, "fired_lines": [], "cpu": True, "pattern": "",
                "recipe": None}  # fmt: skip

    catalog = [
        optimization("q.v1", "graph_pattern", "def handler(): ..."),  # two variants of one handler
        optimization("q.v2", "graph_pattern", "def handler(): ..."),
        optimization("r.v1", "replacement", "def other(): ..."),  # not reached
        optimization("lowering.aten.sin", "lowering", "def sin(): ..."),  # a table entry, no handler
    ]
    Store(tmp_path).close()
    db = sqlite3.connect(tmp_path / faults.DATABASE)
    db.execute("INSERT INTO programs VALUES ('p', 't', 'o', 's', '-', NULL, '{}', '', 0)")
    for run in (0, 1):
        db.execute("INSERT INTO runs VALUES (?, 'p', ?, 1.0, 1.0, 'pass', NULL, NULL, NULL)", (run, str(run)))
    for run, triggered in ((0, "q.v1"), (0, "q.v2"), (0, "lowering.aten.sin"), (1, "q.v1")):
        db.execute("INSERT INTO triggers VALUES (?, ?)", (run, triggered))
    db.commit()
    db.close()
    assert fault_reach.coverage(tmp_path / faults.DATABASE, catalog) == {
        "optimizations_reached": 3,
        "pattern_handlers_reached": 1,
    }
    assert fault_reach.coverage(tmp_path / faults.DATABASE, None)["pattern_handlers_reached"] is None
    assert fault_reach.coverage(tmp_path / "none.sqlite", catalog)["optimizations_reached"] is None


def test_reach_tells_a_table_entry_s_own_opinfo_call_from_a_reach_through_other_programs(tmp_path):
    import fault_reach

    from fuzzfox.store import Store

    Store(tmp_path).close()
    db = sqlite3.connect(tmp_path / faults.DATABASE)
    bundle = "return (torch.ops.aten.diagonal.default(x0, -2), torch.ops.prims.sign.default(x1))"
    for number, (program, origin, source) in enumerate(
        [("p1", "opinfo", bundle), ("p2", "seed", "torch.ops.aten.trace.default(x)"), ("p3", "opinfo", "")]
    ):
        db.execute(
            "INSERT INTO programs VALUES (?, 't', 'o', ?, '-', '', '{}', ?, 0)", (program, origin, source)
        )
        if program != "p3":  # written, never judged
            db.execute(
                "INSERT INTO runs VALUES (?, ?, 'k', 0, 1.0, 'pass', NULL, NULL, NULL)", (number, program)
            )
    db.commit()
    db.close()
    called = fault_reach.ops_called_by_opinfo_programs(tmp_path / faults.DATABASE)
    assert called == {"aten.diagonal", "prims.sign"}  # not aten.trace: a seed calls it
    with_calls = {"recipe": {"calls": [{"call": "..."}]}}
    assert fault_reach.own_call_made([{"id": "lowering.aten.diagonal", **with_calls}], called) is True
    assert fault_reach.own_call_made([{"id": "decomposition.aten.trace", **with_calls}], called) is False
    assert fault_reach.own_call_made([{"id": "decomposition.aten.mse_loss_backward"}], called) is None
