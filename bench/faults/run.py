"""Fault-injection benchmark: how many injected, conditional framework bugs does a campaign find?

Each fault (``bench/faults/faults/<framework>/<id>.toml``) is a small source patch of the installed
framework (torch, jax or tensorflow) and has a witness program (``bench/faults/witnesses/<id>.py``)
that passes on the real framework and is a bug candidate with the fault applied.  A fault is
applied to a private shadow copy of the framework package (hard links, the patched file written
as a new file), never to the installed one, and the shadow goes first on PYTHONPATH of the fuzzfox
processes (the sandbox passes PYTHONPATH on to its workers).

Subcommands: list, verify (witnesses discriminate), run (a campaign per fault, triaged, each
cluster's reproducer re-run with and without the fault), report, baseline (a campaign on the
unpatched framework: its clusters are the false-positive floor).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import hashlib
import importlib.util
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fault_reach  # noqa: E402

FAULTS_DIR = HERE / "faults"
WITNESS_DIR = HERE / "witnesses"
DEFAULT_VERIFY_OUT = ROOT / "reports" / "faults-verify"

PACKAGES = {"torch": "torch", "jax": "jax", "tf": "tensorflow"}  # framework -> top-level package
TARGETS = {"torch": "torch-inductor", "jax": "jax-xla", "tf": "tf-xla"}
KINDS = ("wrong_value", "wrong_gradient", "crash")
ORACLES = ("values", "grads")
FIELDS = {"id", "framework", "target", "file", "kind", "oracle", "description", "replace"}
RESULT = "result.json"
DATABASE = "fuzzfox.sqlite"
# recheck statuses written by fuzzfox (fuzzfox/triage/reproduce.py)
FIXED, STILL_FAILING, CHANGED = "fixed", "still failing", "changed"

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class BenchError(Exception):
    """A problem the user must fix; the message is one line."""


def note(message: str) -> None:
    print(f"faults: {message}", file=sys.stderr, flush=True)


# -- fault files ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Replacement:
    old: str
    new: str


@dataclasses.dataclass(frozen=True)
class Fault:
    id: str
    framework: str
    target: str
    file: str  # relative to the site-packages directory holding the framework
    kind: str
    oracle: tuple[str, ...]
    description: str
    replace: tuple[Replacement, ...]
    path: Path

    @property
    def package(self) -> str:
        return self.file.split("/", 1)[0]

    @property
    def witness(self) -> Path:
        return WITNESS_DIR / f"{self.id}.py"

    @property
    def module(self) -> str | None:
        """The dotted module name of the patched file, if it is a Python module."""
        if not self.file.endswith(".py"):
            return None
        parts = self.file[: -len(".py")].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        return ".".join(parts)


def load_fault(path: Path) -> Fault:
    """Parse and check one fault file; BenchError (one line) says what is wrong."""
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise BenchError(f"{path}: not valid TOML: {error}") from None

    def fail(message: str) -> BenchError:
        return BenchError(f"{path}: {message}")

    unknown = sorted(set(data) - FIELDS)
    missing = sorted(FIELDS - set(data))
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(FIELDS))})")
    if missing:
        raise fail(f"missing key {missing[0]!r}")
    for key in FIELDS - {"replace"}:
        if not isinstance(data[key], str) or not data[key].strip():
            raise fail(f"{key} must be a non-empty string")
    if data["id"] != path.stem:
        raise fail(f"id {data['id']!r} differs from the file name {path.stem!r}")
    framework = data["framework"]
    if framework not in PACKAGES:
        raise fail(f"framework must be one of {', '.join(PACKAGES)}, not {framework!r}")
    if path.parent.name != framework:
        raise fail(f"a {framework} fault belongs in faults/{framework}/")
    if data["target"] != TARGETS[framework]:
        raise fail(f"target of a {framework} fault must be {TARGETS[framework]!r}")
    if data["kind"] not in KINDS:
        raise fail(f"kind must be one of {', '.join(KINDS)}, not {data['kind']!r}")
    oracle = tuple(part.strip() for part in data["oracle"].split(",") if part.strip())
    if not oracle or any(o not in ORACLES for o in oracle):
        raise fail(f"oracle must be values or values,grads, not {data['oracle']!r}")
    file = data["file"]
    if file.startswith("/") or ".." in Path(file).parts or file.split("/", 1)[0] != PACKAGES[framework]:
        raise fail(f"file must be a path inside the {PACKAGES[framework]} package, not {file!r}")
    replace = data["replace"]
    if not isinstance(replace, list) or not replace:
        raise fail("needs at least one [[replace]] table")
    replacements = []
    for index, item in enumerate(replace):
        if not isinstance(item, dict) or set(item) != {"old", "new"}:
            raise fail(f"replace #{index + 1} must have exactly the keys old and new")
        if not all(isinstance(item[k], str) for k in ("old", "new")) or not item["old"]:
            raise fail(f"replace #{index + 1}: old and new must be strings, old non-empty")
        if item["old"] == item["new"]:
            raise fail(f"replace #{index + 1}: new is the same as old")
        replacements.append(Replacement(item["old"], item["new"]))
    return Fault(
        id=data["id"],
        framework=framework,
        target=data["target"],
        file=file,
        kind=data["kind"],
        oracle=oracle,
        description=" ".join(data["description"].split()),
        replace=tuple(replacements),
        path=path,
    )


def fault_files() -> list[Path]:
    return sorted(FAULTS_DIR.glob("*/*.toml"))


def load_faults(ids: list[str] | None = None, framework: str | None = None) -> list[Fault]:
    """The faults asked for (all by default), in id order; an unknown id is a BenchError."""
    faults = {fault.id: fault for fault in map(load_fault, fault_files())}
    if ids:
        unknown = [i for i in ids if i not in faults]
        if unknown:
            raise BenchError(f"no fault {unknown[0]!r} (see: bench/faults/run.py list)")
        chosen = [faults[i] for i in dict.fromkeys(ids)]
    else:
        chosen = sorted(faults.values(), key=lambda f: (f.framework, f.id))
    if framework:
        chosen = [f for f in chosen if f.framework == framework]
    if not chosen:
        raise BenchError(f"no faults{f' for framework {framework}' if framework else ''}")
    return chosen


# -- the installed framework ----------------------------------------------------------------


def site_dir(package: str) -> Path | None:
    """The directory that holds ``package`` in this interpreter's environment (no import)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).resolve().parent


def missing_reason(fault: Fault) -> str | None:
    if site_dir(fault.package) is None:
        return f"{fault.package} is not installed (fault {fault.id} needs it)"
    return None


def installed_file(fault: Fault) -> Path:
    site = site_dir(fault.package)
    if site is None:
        raise BenchError(missing_reason(fault) or fault.package)
    path = site / fault.file
    if not path.is_file():
        raise BenchError(
            f"stale fault {fault.id}: {fault.file} does not exist in the installed {fault.package}"
        )
    return path


def stale_reasons(fault: Fault, text: str) -> list[str]:
    """Why the fault does not apply to ``text`` (empty when every ``old`` occurs exactly once)."""
    reasons = []
    for index, item in enumerate(fault.replace):
        count = text.count(item.old)
        if count != 1:
            first = item.old.strip().splitlines()[0][:60] if item.old.strip() else repr(item.old)
            reasons.append(f"replace #{index + 1} ({first!r}...) occurs {count} times, not once")
    return reasons


def patched_text(fault: Fault, text: str) -> str:
    reasons = stale_reasons(fault, text)
    if reasons:
        raise BenchError(f"stale fault {fault.id}: {reasons[0]} in {fault.file}")
    for item in fault.replace:
        if text.count(item.old) != 1:  # an earlier replacement touched it
            raise BenchError(f"fault {fault.id}: its replacements overlap in {fault.file}")
        text = text.replace(item.old, item.new)
    return text


def file_identity(path: Path) -> tuple[str, int, int, int]:
    """sha256, inode, size and mtime (ns) of a file: what must not change in the installed tree."""
    info = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), info.st_ino, info.st_size, info.st_mtime_ns


# -- the shadow copy ------------------------------------------------------------------------


class Shadow:
    """A private copy of the fault's package with the fault applied, for PYTHONPATH.

    The package directory is mirrored with hard links (a copy where the link fails, e.g. across
    file systems); the patched file is then written under a temporary name and renamed over its
    link, so the installed file's inode and bytes are never written.  The patched module's
    bytecode cache is left out so Python compiles the patched source.
    """

    def __init__(self, fault: Fault, root: Path, site: Path | None = None) -> None:
        self.fault = fault
        self.root = root
        self.site = site or site_dir(fault.package)
        if self.site is None:
            raise BenchError(missing_reason(fault) or fault.package)
        self.original = self.site / fault.file
        self.target = root / fault.file
        self.identity: tuple[str, int, int, int] | None = None
        self.copied = 0  # files copied because a hard link was refused
        self.imported_from = ""  # the package's __file__ as a subprocess imported it

    def build(self) -> Shadow:
        if not self.original.is_file():
            raise BenchError(f"stale fault {self.fault.id}: no {self.fault.file} in {self.site}")
        text = self.original.read_text()
        patched = patched_text(self.fault, text)
        self.identity = file_identity(self.original)
        if self.root.exists():
            shutil.rmtree(self.root)
        self._mirror(self.site / self.fault.package, self.root / self.fault.package)
        partial = self.target.with_name(f".{self.target.name}.fault-partial")
        partial.write_text(patched)
        os.replace(partial, self.target)  # a new inode: the hard-linked original is untouched
        shutil.copystat(self.original, self.target, follow_symlinks=True)
        os.utime(self.target)  # newer than any cached bytecode
        for cached in (self.target.parent / "__pycache__").glob(f"{self.target.stem}.*.pyc"):
            cached.unlink()
        self.check_original()
        return self

    def _mirror(self, source: Path, destination: Path) -> None:
        skip_cache = self.target.parent / "__pycache__"
        for directory, subdirectories, files in os.walk(source):
            relative = Path(directory).relative_to(source)
            out = destination / relative
            out.mkdir(parents=True, exist_ok=True)
            for name in list(subdirectories):
                path = Path(directory) / name
                if path.is_symlink():  # os.walk does not descend into it: recreate the link
                    os.symlink(os.readlink(path), out / name)
            for name in files:
                path = Path(directory) / name
                link = out / name
                if out == skip_cache and name.startswith(f"{self.target.stem}."):
                    continue
                if path.is_symlink():
                    os.symlink(os.readlink(path), link)
                    continue
                try:
                    os.link(path, link)
                except OSError:
                    shutil.copy2(path, link)
                    self.copied += 1

    def check_original(self) -> None:
        if self.identity is not None and file_identity(self.original) != self.identity:
            raise BenchError(f"the installed {self.original} changed while fault {self.fault.id} was applied")

    def environment(self, base: dict[str, str]) -> dict[str, str]:
        env = dict(base)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.root), base.get("PYTHONPATH", "")]))
        return env

    def check_import(self, env: dict[str, str]) -> str:
        """Import the package in a subprocess under ``env``; it must resolve into the shadow tree
        and see the patched source.  Returns the package's ``__file__``."""
        module = self.fault.module
        script = (
            "import importlib, importlib.util, json\n"
            f"package = importlib.import_module({self.fault.package!r})\n"
            f"spec = importlib.util.find_spec({module!r}) if {module is not None} else None\n"
            "print(json.dumps({'package': package.__file__, 'module': spec.origin if spec else None}))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600, check=False
        )
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise BenchError(
                f"fault {self.fault.id}: importing the patched {self.fault.package} failed: {last}"
            )
        found = json.loads(result.stdout.strip().splitlines()[-1])
        root = str(self.root.resolve())
        for what in ("package", "module"):
            where = found[what]
            if where is not None and not str(Path(where).resolve()).startswith(root + os.sep):
                raise BenchError(
                    f"fault {self.fault.id}: {self.fault.package} {what} resolves to {where}, "
                    f"not into the shadow tree {root}"
                )
        if found["module"] is not None:
            text = Path(found["module"]).read_text()
            if not all(item.new in text for item in self.fault.replace):
                raise BenchError(f"fault {self.fault.id}: the imported {module} is not the patched one")
        return found["package"]

    def remove(self) -> None:
        self.check_original()
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def applied(fault: Fault, root: Path, base_env: dict[str, str]) -> Iterator[tuple[Shadow, dict[str, str]]]:
    """The fault applied in a shadow tree under ``root`` for the duration; removed afterwards."""
    shadow = Shadow(fault, root)
    try:
        shadow.build()
        env = shadow.environment(base_env)
        where = shadow.check_import(env)
        shadow.imported_from = where
        note(f"{fault.id}: patched {fault.file}; {fault.package} imports from {Path(where).parent}")
        yield shadow, env
    finally:
        shadow.remove()


# -- running fuzzfox ------------------------------------------------------------------------


def default_cache_dir() -> Path:
    """fuzzfox's own default (fuzzfox/sandbox/pool.py): where an extracted catalog may already be."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(os.environ.get("FUZZFOX_CACHE_DIR") or Path(base) / "fuzzfox")


def fuzzfox_environment(cache: Path, seed_caches: list[Path]) -> dict[str, str]:
    """The environment of a fuzzfox subprocess with its own cache directory.

    Inductor's kernel cache and precompiled header live under FUZZFOX_CACHE_DIR (pool.py sets
    TORCHINDUCTOR_CACHE_DIR and TMPDIR from it), so each side gets its own: nothing compiled by
    a patched framework is ever reused by an unpatched run or by another fault.  The optimization
    catalog (also under it, keyed by framework version only) is copied in from ``seed_caches``
    so it is not extracted again.
    """
    cache.mkdir(parents=True, exist_ok=True)
    catalog = cache / "catalog"
    for seed in seed_caches:
        source = seed / "catalog"
        if source.is_dir() and source.resolve() != catalog.resolve():
            catalog.mkdir(exist_ok=True)
            for item in source.glob("*.json"):
                if not (catalog / item.name).exists():
                    shutil.copy2(item, catalog / item.name)
    env = dict(os.environ)
    env["FUZZFOX_CACHE_DIR"] = str(cache)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def fuzzfox(args: list[str], env: dict[str, str], log: Path, timeout: float | None = None) -> int:
    """Run ``python -m fuzzfox ARGS`` with stdout and stderr appended to ``log``; its exit status."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as stream:
        stream.write(f"\n$ fuzzfox {' '.join(args)}\n")
        stream.flush()
        try:
            return subprocess.run(
                [sys.executable, "-m", "fuzzfox", *args],
                env=env,
                stdout=stream,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                timeout=timeout,
                check=False,
            ).returncode
        except subprocess.TimeoutExpired:
            stream.write(f"\nfaults: killed after {timeout:.0f}s\n")
            return 124


def last_error(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or ["no output"])[-1].strip()[:300]


def store_row(campaign: Path, sql: str, parameters: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """The first row ``sql`` gives in a campaign's store; None without a store or a row."""
    database = campaign / DATABASE
    if not database.exists():
        return None
    db = sqlite3.connect(database)
    try:
        return db.execute(sql, parameters).fetchone()
    finally:
        db.close()


def latest_run(campaign: Path) -> dict[str, Any] | None:
    """The most recent run in a store: outcome, symptom, backend, summary."""
    row = store_row(
        campaign,
        "SELECT runs.outcome, runs.symptom, runs.stage, runs.backend, verdicts.summary FROM runs "
        "LEFT JOIN verdicts ON verdicts.run_id = runs.id "
        "ORDER BY runs.finished DESC, runs.id DESC LIMIT 1",
    )
    if row is None:
        return None
    return dict(zip(("outcome", "symptom", "stage", "backend", "summary"), row, strict=True))


def describe(run: dict[str, Any] | None) -> str:
    if run is None:
        return "no verdict"
    if run["outcome"] == "bug":
        return f"bug ({run['symptom']}, {run['backend']})"
    return str(run["outcome"])


# -- verify ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Check:
    fault: Fault
    status: str  # ok | NOT DISCRIMINATING | stale | skipped | error
    unpatched: str = "-"
    patched: str = "-"
    detail: str = ""
    seconds: float = 0.0


def judge_witness(fault: Fault, campaign: Path, env: dict[str, str], log: Path, jobs: int) -> dict | None:
    args = ["run", str(fault.witness), "--oracle", ",".join(fault.oracle), "--campaign", str(campaign)]
    code = fuzzfox([*args, "--jobs", str(jobs), "--rerun", "--quiet"], env, log)
    if code not in (0, 1):
        raise BenchError(f"fuzzfox run failed (exit {code}): {last_error(log)}")
    return latest_run(campaign)


def verify_one(fault: Fault, out: Path, jobs: int) -> Check:
    started = time.monotonic()
    if reason := missing_reason(fault):
        return Check(fault, "skipped", detail=reason)
    try:
        original = installed_file(fault)
    except BenchError as error:
        return Check(fault, "stale", detail=str(error))
    if reasons := stale_reasons(fault, original.read_text()):
        return Check(fault, "stale", detail=f"{fault.file}: {reasons[0]}")
    if not fault.witness.is_file():
        return Check(fault, "error", detail=f"no witness {fault.witness.relative_to(ROOT)}")
    where = out / fault.id
    unpatched_cache = out / "cache" / "unpatched"
    patched_cache = where / "cache-patched"
    seeds = [unpatched_cache, default_cache_dir()]
    check = Check(fault, "error")
    try:
        note(f"{fault.id}: witness on the installed {fault.package}")
        env = fuzzfox_environment(unpatched_cache, [default_cache_dir()])
        unpatched = judge_witness(fault, where / "unpatched", env, where / "verify.log", jobs)
        check.unpatched = describe(unpatched)
        note(f"{fault.id}: witness with the fault applied")
        with applied(fault, where / "shadow", fuzzfox_environment(patched_cache, seeds)) as (_, env):
            patched = judge_witness(fault, where / "patched", env, where / "verify.log", jobs)
        check.patched = describe(patched)
        passes = unpatched is not None and unpatched["outcome"] == "pass"
        fails = patched is not None and patched["outcome"] == "bug"
        check.status = "ok" if passes and fails else "NOT DISCRIMINATING"
        if not passes:
            check.detail = f"unpatched: {(unpatched or {}).get('summary') or 'no verdict'}"[:200]
        elif not fails:
            check.detail = f"patched: {(patched or {}).get('summary') or 'no verdict'}"[:200]
        else:
            check.detail = (patched.get("summary") or "")[:200]
    except BenchError as error:
        check.detail = str(error)
    finally:
        shutil.rmtree(patched_cache, ignore_errors=True)
        check.seconds = time.monotonic() - started
    return check


def command_verify(args: argparse.Namespace) -> int:
    faults = load_faults(args.fault, args.framework)
    if all(missing_reason(f) for f in faults):
        raise BenchError(missing_reason(faults[0]) or "framework not installed")
    checks = []
    for index, fault in enumerate(faults, 1):
        note(f"[{index}/{len(faults)}] verify {fault.id}")
        check = verify_one(fault, args.out, args.jobs)
        note(f"[{index}/{len(faults)}] {fault.id}: {check.status} ({check.seconds:.0f}s)")
        checks.append(check)
    rows = [
        [c.fault.id, c.fault.kind, c.unpatched, c.patched, c.status, f"{c.seconds:.0f}", c.detail[:90]]
        for c in checks
    ]
    print(table(["fault", "kind", "unpatched", "patched", "result", "s", "detail"], rows))
    good = sum(c.status == "ok" for c in checks)
    skipped = sum(c.status == "skipped" for c in checks)
    print(f"\n{good} of {len(checks) - skipped} witnesses discriminate ({skipped} skipped); logs: {args.out}")
    return EXIT_OK if good == len(checks) - skipped else EXIT_FAILED


# -- seeds ----------------------------------------------------------------------------------

SEEDS_RESULT = "seeds.json"


def corpus_verdicts(store: Path) -> dict[str, dict[str, Any]]:
    """Program file name -> outcome, symptom and input draw of its verdict (a ``fuzzfox run`` store)."""
    db = sqlite3.connect(store / DATABASE)
    try:
        rows = db.execute(
            "SELECT p.path, r.outcome, r.symptom, v.verdict FROM runs r "
            "JOIN programs p ON p.id = r.program_id JOIN verdicts v ON v.run_id = r.id"
        ).fetchall()
    finally:
        db.close()
    return {
        Path(path or "?").name: {
            "outcome": outcome,
            "symptom": symptom,
            "draw": json.loads(verdict).get("draw"),
        }
        for path, outcome, symptom, verdict in rows
    }


def judge_corpus(target: str, store: Path, env: dict[str, str], log: Path, args: argparse.Namespace) -> dict:
    corpus = args.seeds or [ROOT / "corpus" / target]
    command = ["run", *map(str, corpus), "--target", target, "--oracle", "values", "--jobs", str(args.jobs)]
    code = fuzzfox(
        [*command, "--input-draws", str(args.input_draws), "--campaign", str(store), "--quiet"], env, log
    )
    if code not in (0, 1):
        raise BenchError(f"fuzzfox run failed (exit {code}): {last_error(log)}")
    return corpus_verdicts(store)


def seeds_one(fault: Fault, unpatched: dict[str, dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    """The seed corpus judged with the fault applied: which programs it turns into bug candidates
    (programs already failing unpatched do not count), on the recorded inputs or only on a draw."""
    where = args.out / fault.id
    patched_cache = where / "cache-patched"
    started = time.monotonic()
    try:
        seeds = [args.out / "cache" / "unpatched", default_cache_dir()]
        with applied(fault, where / "shadow", fuzzfox_environment(patched_cache, seeds)) as (_, env):
            patched = judge_corpus(fault.target, where / "store", env, where / "fuzzfox.log", args)
    finally:
        shutil.rmtree(patched_cache, ignore_errors=True)
        shutil.rmtree(where / "store", ignore_errors=True)
    caught = {
        name: verdict
        for name, verdict in patched.items()
        if verdict["outcome"] == "bug" and unpatched.get(name, {}).get("outcome") != "bug"
    }
    on_recorded = sorted(name for name, verdict in caught.items() if verdict["draw"] is None)
    on_draws_only = {name: verdict["draw"] for name, verdict in caught.items() if verdict["draw"] is not None}
    return {
        "fault": fault.id,
        "kind": fault.kind,
        "input_draws": args.input_draws,
        "fuzzfox_commit": fuzzfox_commit(),
        "programs": len(patched),
        "caught_on_recorded_inputs": on_recorded,
        "caught_only_on_a_draw": on_draws_only,
        "found_without_draws": bool(on_recorded),
        "found_with_draws": bool(caught),
        "seconds": round(time.monotonic() - started, 1),
    }


def command_seeds(args: argparse.Namespace) -> int:
    selected = [f for f in load_faults(args.fault, args.framework) if not missing_reason(f)]
    faults = [f for f in selected if f.kind != "wrong_gradient"]  # draws apply to the values oracle
    if len(faults) < len(selected):
        note(
            f"{len(selected) - len(faults)} wrong_gradient faults left out (draws are for the values oracle)"
        )
    if not faults:
        raise BenchError("no wrong_value or crash fault of an installed framework selected")
    results = []
    unpatched: dict[str, dict[str, dict[str, Any]]] = {}
    for index, fault in enumerate(faults, 1):
        done = args.out / fault.id / SEEDS_RESULT
        if done.exists():
            results.append(json.loads(done.read_text()))
            continue
        if fault.target not in unpatched:
            note(f"{fault.target}: the seed corpus on the installed framework")
            env = fuzzfox_environment(args.out / "cache" / "unpatched", [default_cache_dir()])
            store = args.out / f"unpatched-{fault.target}"
            unpatched[fault.target] = judge_corpus(fault.target, store, env, args.out / "unpatched.log", args)
        note(f"[{index}/{len(faults)}] {fault.id}: the seed corpus with the fault applied")
        result = seeds_one(fault, unpatched[fault.target], args)
        done.write_text(json.dumps(result, indent=2))
        recorded, drawn = len(result["caught_on_recorded_inputs"]), len(result["caught_only_on_a_draw"])
        note(
            f"[{index}/{len(faults)}] {fault.id}: caught by {recorded} seeds, by {drawn} more only on a draw"
        )
        results.append(result)
    rows = [
        [
            r["fault"],
            r["kind"],
            len(r["caught_on_recorded_inputs"]),
            ", ".join(sorted(set(r["caught_only_on_a_draw"].values()))) or "-",
            "yes" if r["found_without_draws"] else "no",
            "yes" if r["found_with_draws"] else "no",
        ]
        for r in results
    ]
    print(
        table(
            ["fault", "kind", "seeds caught", "draws that caught more", "found (no draws)", "found (draws)"],
            rows,
        )
    )
    without = sum(r["found_without_draws"] for r in results)
    with_draws = sum(r["found_with_draws"] for r in results)
    print(
        f"\nthe seed corpus alone (values oracle) finds {without}/{len(results)} faults on its recorded "
        f"inputs, {with_draws}/{len(results)} with input draws"
    )
    return EXIT_OK


# -- run ------------------------------------------------------------------------------------


def campaign_supports(option: str) -> bool:
    """Whether this fuzzfox's campaigns know an option (e.g. ``oracles``)."""
    try:
        from fuzzfox.config import FIELDS as CAMPAIGN_FIELDS
    except ImportError:
        return False
    return option in CAMPAIGN_FIELDS


def bug_candidates(campaign: Path) -> int:
    row = store_row(campaign, "SELECT COUNT(*) FROM runs WHERE outcome = 'bug'")
    return 0 if row is None else row[0]


def signature_title(text: str) -> str:
    try:
        from fuzzfox.triage.signature import Signature

        return Signature.from_dict(json.loads(text)).title()
    except Exception:  # an older or newer store: show what it holds
        data = json.loads(text)
        return " ".join(str(data.get(k, "")) for k in ("symptom", "stage", "backend", "exception")).strip()


def clusters_of(campaign: Path) -> list[dict[str, Any]]:
    """Every cluster in a triaged campaign: id, title, members, first member run time, reproduction,
    and the regression program of the known bug it holds (``""`` if none)."""
    database = campaign / DATABASE
    if not database.exists():
        return []
    db = sqlite3.connect(database)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'clusters'").fetchone():
            return []
        has_known = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'known_bugs'").fetchone()
        known = "(SELECT path FROM known_bugs WHERE cluster_id = clusters.id)" if has_known else "''"
        rows = db.execute(
            "SELECT clusters.id, clusters.signature, clusters.reproduced, clusters.attempts, "
            f"COUNT(cluster_members.run_id), MIN(runs.finished), {known} FROM clusters "
            "LEFT JOIN cluster_members ON cluster_members.cluster_id = clusters.id "
            "LEFT JOIN runs ON runs.id = cluster_members.run_id "
            "GROUP BY clusters.id ORDER BY MIN(runs.finished), clusters.id"
        ).fetchall()
    finally:
        db.close()
    return [
        {
            "id": cluster,
            "title": signature_title(signature)[:160],
            "reproduced": f"{reproduced}/{attempts}",
            "members": members,
            "first_seen": first,
            "known": known_path or "",
        }
        for cluster, signature, reproduced, attempts, members, first, known_path in rows
    ]


def rechecks_since(campaign: Path, since: float) -> dict[str, dict[str, str]]:
    db = sqlite3.connect(campaign / DATABASE)
    try:
        rows = db.execute(
            "SELECT cluster_id, status, detail FROM rechecks WHERE checked >= ? ORDER BY checked, id",
            (since,),
        ).fetchall()
    finally:
        db.close()
    return {cluster: {"status": status, "detail": detail} for cluster, status, detail in rows}


def campaign_meta(campaign: Path, key: str) -> str | None:
    """A value the campaign remembered (``campaign_meta``); None without a store or that table."""
    try:
        row = store_row(campaign, "SELECT value FROM campaign_meta WHERE key = ?", (key,))
    except sqlite3.OperationalError:
        return None
    return None if row is None else row[0]


def campaign_started(campaign: Path) -> float | None:
    created = campaign_meta(campaign, "created")
    return None if created is None else float(created)


def campaign_runs(campaign: Path) -> int:
    row = store_row(campaign, "SELECT COUNT(*) FROM runs")
    return 0 if row is None else row[0]


def seed_seconds(campaign: Path) -> float | None:
    """Mean seconds a seed program took to judge: every campaign of a target judges the same
    seed corpus first, so this tells the host's speed during a run (on this 2-core machine it
    moved from 6.0 to 4.3 s within an hour, same code), which a before/after must not take for
    the change's. It also rises when a change keeps the other worker busier (the CPU is shared)."""
    row = store_row(
        campaign,
        "SELECT AVG(r.seconds) FROM runs r JOIN programs p ON p.id = r.program_id WHERE p.origin = 'seed'",
    )
    return None if row is None or row[0] is None else round(float(row[0]), 2)


def fails(recheck: dict[str, str] | None) -> bool:
    """A recheck in which the reproducer was still a bug candidate (same bug or another one)."""
    if recheck is None:
        return False
    if recheck["status"] == STILL_FAILING:
        return True
    return recheck["status"] == CHANGED and not recheck["detail"].startswith(
        ("now pass", "now dropped", "now invalid")
    )


def clean(recheck: dict[str, str] | None) -> bool:
    """A recheck with no bug candidate: every run passed, or the difference is one the instability
    filter explains (dropped, e.g. a gradient mode the framework does not implement)."""
    if recheck is None:
        return False
    return recheck["status"] == FIXED or (
        recheck["status"] == CHANGED and recheck["detail"].startswith("now dropped")
    )


def recheck(campaign: Path, env: dict[str, str], log: Path, jobs: int, reruns: int) -> dict[str, dict]:
    since = time.time()
    code = fuzzfox(["recheck", str(campaign), "--jobs", str(jobs), "--reruns", str(reruns)], env, log)
    if code not in (0, 1):
        raise BenchError(f"fuzzfox recheck failed (exit {code}): {last_error(log)}")
    return rechecks_since(campaign, since)


def minutes_spent(campaign: Path) -> float:
    """Minutes an existing campaign already ran: its creation to its last recorded run (0 if new).

    fuzzfox counts --minutes per invocation, so a resumed campaign gets only what is left."""
    row = store_row(campaign, "SELECT MAX(finished) FROM runs")
    if row is None or row[0] is None:
        return 0.0
    created = campaign_started(campaign)
    return 0.0 if created is None else max(0.0, (row[0] - created) / 60)


def fuzzfox_commit() -> str:
    """The commit of the fuzzfox that ran (``+dirty`` with uncommitted changes): results of
    different code are not one measurement."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    return commit + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def campaign_arguments(target: str, campaign: Path, args: argparse.Namespace) -> list[str]:
    """``fuzzfox campaign`` as a user would run it, without an LLM unless --llm names one (the
    LLM-free generators: the pattern writer, mutation and synthesis), the campaign's own default
    oracles unless --oracle names others (the same for every fault).
    A campaign that exists is resumed with the minutes its budget has left (at least 0.01 min:
    fuzzfox checks the budget between seeds and between rounds)."""
    minutes = max(args.minutes - minutes_spent(campaign), 0.01)
    arguments = ["campaign", "--campaign", str(campaign), "--target", target, "--llm", args.llm]
    arguments += ["--minutes", f"{minutes:.2f}", "--seed", str(args.seed), "--jobs", str(args.jobs)]
    if args.oracle:
        if not campaign_supports("oracles"):
            raise BenchError("this fuzzfox's campaigns have no --oracle option; run without --oracle")
        arguments += ["--oracle", args.oracle]
    if args.seeds:
        arguments += ["--seeds", *map(str, args.seeds)]
    if args.input_draws is not None:
        arguments += ["--input-draws", str(args.input_draws)]
    return arguments


def check_seeds(seeds: list[Path] | None) -> None:
    """Witnesses are never seeds: a seed path may not be or hold bench/faults/witnesses."""
    witnesses = WITNESS_DIR.resolve()
    for seed in seeds or []:
        path = seed.resolve()
        if not path.exists():
            raise BenchError(f"no such seed file or directory: {seed}")
        if path == witnesses or witnesses in path.parents or path in witnesses.parents:
            raise BenchError(f"{seed} holds fault witnesses, which are never seeds")


def campaign_oracles(campaign: Path) -> str:
    """The oracles a campaign judged with (its remembered options; values before campaigns had any)."""
    remembered = campaign_meta(campaign, "options")
    options = json.loads(remembered) if remembered else {}
    return ",".join(options.get("oracles") or ["values"])


def triage(campaign: Path, env: dict[str, str], log: Path, args: argparse.Namespace) -> float:
    started = time.monotonic()
    if bug_candidates(campaign):
        code = fuzzfox(
            [
                "triage",
                str(campaign),
                "--jobs",
                str(args.jobs),
                "--reruns",
                str(args.reruns),
                "--budget-seconds",
                f"{args.minimize_seconds:g}",
            ],
            env,
            log,
        )
        if code not in (0, 1):
            raise BenchError(f"fuzzfox triage failed (exit {code}): {last_error(log)}")
    return time.monotonic() - started


def run_one(fault: Fault, args: argparse.Namespace) -> dict[str, Any]:
    where = args.out / fault.id
    campaign = where / "campaign"
    log = where / "fuzzfox.log"
    unpatched_cache = args.out / "cache" / "unpatched"
    patched_cache = where / "cache-patched"
    seeds = [unpatched_cache, default_cache_dir()]
    unpatched_env = fuzzfox_environment(unpatched_cache, [default_cache_dir()])
    started = time.monotonic()
    result: dict[str, Any] = {
        "fault": fault.id,
        "framework": fault.framework,
        "kind": fault.kind,
        "target": fault.target,
        "file": fault.file,
        "oracle": ",".join(fault.oracle),
        "minutes_budget": args.minutes,
        "seed": args.seed,
        "jobs": args.jobs,
        "input_draws": args.input_draws,
        "llm": args.llm,
        "fuzzfox_commit": fuzzfox_commit(),
    }
    try:
        with applied(fault, where / "shadow", fuzzfox_environment(patched_cache, seeds)) as (shadow, env):
            assert shadow.identity is not None
            result["shadow"] = {
                "imported_from": shadow.imported_from,
                "installed_file": str(shadow.original),
                "installed_sha256": shadow.identity[0],
                "files_copied_not_linked": shadow.copied,
            }
            note(f"{fault.id}: campaign ({args.minutes:g} min budget, seed {args.seed}, {args.jobs} jobs)")
            spent_before = minutes_spent(campaign)
            if spent_before:
                note(f"{fault.id}: resuming its campaign ({spent_before:.1f} min spent before)")
            campaign_started_at = time.monotonic()
            code = fuzzfox(campaign_arguments(fault.target, campaign, args), env, log)
            result["campaign_wall_s"] = round(time.monotonic() - campaign_started_at + 60 * spent_before, 1)
            if code not in (0, 1):
                raise BenchError(f"fuzzfox campaign failed (exit {code}): {last_error(log)}")
            result["campaign_oracles"] = campaign_oracles(campaign)
            result["programs_run"] = campaign_runs(campaign)
            result["seed_seconds_mean"] = seed_seconds(campaign)
            result["bug_candidates"] = bug_candidates(campaign)
            note(
                f"{fault.id}: {result['programs_run']} runs, "
                f"{result['bug_candidates']} bug candidates; triage"
            )
            result["triage_wall_s"] = round(triage(campaign, env, log, args), 1)
            clusters = clusters_of(campaign)
            recheck_started = time.monotonic()
            with_fault = recheck(campaign, env, log, args.jobs, args.recheck_reruns) if clusters else {}
        if clusters:
            note(f"{fault.id}: {len(clusters)} clusters; re-running their reproducers without the fault")
            without_fault = recheck(campaign, unpatched_env, log, args.jobs, args.recheck_reruns)
        else:
            without_fault = {}
        result["recheck_wall_s"] = round(time.monotonic() - recheck_started, 1)
    finally:
        shutil.rmtree(patched_cache, ignore_errors=True)
    # Shadow.remove already refused a changed file; say so in the result
    installed = Path(result["shadow"]["installed_file"])
    result["shadow"]["installed_file_untouched"] = (
        file_identity(installed)[0] == result["shadow"]["installed_sha256"]
    )
    created = campaign_started(campaign)
    for cluster in clusters:
        patched, unpatched = with_fault.get(cluster["id"]), without_fault.get(cluster["id"])
        cluster["with_fault"] = patched
        cluster["without_fault"] = unpatched
        cluster["found"] = fails(patched) and clean(unpatched)
        cluster["unpatched_failing"] = fails(unpatched)
        if created is not None and cluster["first_seen"] is not None:
            cluster["minutes_to_first_seen"] = round((cluster["first_seen"] - created) / 60, 2)
    result.update(reach_of(fault, campaign))
    found = [c for c in clusters if c["found"]]
    result["found"] = bool(found)
    result["minutes_to_first_find"] = min(
        (c["minutes_to_first_seen"] for c in found if "minutes_to_first_seen" in c), default=None
    )
    result["clusters"] = clusters
    result["n_clusters"] = len(clusters)
    result["found_clusters"] = [c["id"] for c in found]
    result["unpatched_failing_clusters"] = [c["id"] for c in clusters if c["unpatched_failing"]]
    result["wall_s"] = round(time.monotonic() - started, 1)
    # CPU cost: the campaign's wall time (all invocations) times its jobs (one busy worker each).
    result["cpu_seconds"] = round(result.get("campaign_wall_s", 0.0) * args.jobs, 1)
    return result


def reach_of(fault: Fault, campaign: Path) -> dict[str, Any]:
    """The optimizations the fault patches (None where no cached catalog locates them: the code is
    no catalogued optimization, or no catalog of the installed version is cached) and how many of
    the campaign's programs reached one, first after how many minutes (:mod:`fault_reach`)."""
    catalog = fault_reach.catalog_of(fault.target, default_cache_dir())
    olds = [r.old for r in fault.replace]
    spans = fault_reach.patched_lines(installed_file(fault).read_text(), olds)
    faulted = [] if catalog is None else fault_reach.faulted_optimizations(catalog, fault.file, spans, olds)
    programs, minutes = fault_reach.reaching_programs(campaign / DATABASE, faulted)
    called = fault_reach.ops_called_by_opinfo_programs(campaign / DATABASE)
    entries = [o for o in catalog or [] if o["id"] in faulted]
    return {
        "faulted_optimizations": faulted or None,
        "programs_reaching_fault": programs if faulted else None,
        "minutes_to_first_reach": minutes,
        "own_opinfo_call_made": fault_reach.own_call_made(entries, called),
        "ops_called_by_opinfo_programs": len(called),
        **fault_reach.coverage(campaign / DATABASE, catalog),
    }


def command_reach(args: argparse.Namespace) -> int:
    """For each fault run in ``--out``: found or not, the patched optimizations, and how many of its
    campaign's programs reached them: a miss never reached is a generation problem, one reached
    is one of arguments or input values."""
    results = load_results(args.out)
    if not results:
        raise BenchError(f"no results in {args.out}")
    rows = []
    for result in results:
        fault = load_faults([result["fault"]])[0]
        reach = reach_of(fault, args.out / fault.id / "campaign")
        faulted, own = reach["faulted_optimizations"], reach["own_opinfo_call_made"]
        rows.append(
            [
                fault.id,
                "yes" if result["found"] else "no",
                _listed(faulted) if faulted else "(no catalogued optimization)",
                "-" if reach["programs_reaching_fault"] is None else reach["programs_reaching_fault"],
                "-" if reach["minutes_to_first_reach"] is None else f"{reach['minutes_to_first_reach']:.1f}",
                "-" if own is None else ("yes" if own else "no"),
                reach["ops_called_by_opinfo_programs"],
                reach["optimizations_reached"],
                reach["pattern_handlers_reached"],
                result.get("programs_run", "-"),
            ]
        )
    header = ["fault", "found", "patched optimizations", "programs reaching", "min to reach", "own call",
              "ops called", "reached", "handlers", "runs"]  # fmt: skip
    print(table(header, rows))
    print(
        "own call: whether a table entry's own OpInfo call was made (not only reached through other "
        "programs); ops called: the ops whose OpInfo call the campaign's programs made; reached: the "
        "catalog optimizations its programs triggered; handlers: the distinct pattern handlers among them"
    )
    return EXIT_OK


def _listed(names: list[str], shown: int = 2) -> str:
    more = f" (+{len(names) - shown} more)" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def command_run(args: argparse.Namespace) -> int:
    check_seeds(args.seeds)
    faults = load_faults(args.fault, args.framework)
    missing = [f for f in faults if missing_reason(f)]
    if len(missing) == len(faults):
        raise BenchError(missing_reason(missing[0]) or "framework not installed")
    args.out.mkdir(parents=True, exist_ok=True)
    problems = 0
    for index, fault in enumerate(faults, 1):
        prefix = f"[{index}/{len(faults)}] {fault.id}"
        result_file = args.out / fault.id / RESULT
        if result_file.exists():
            note(f"{prefix}: done before ({result_file}); skipped")
            continue
        if reason := missing_reason(fault):
            note(f"{prefix}: skipped: {reason}")
            continue
        try:
            if reasons := stale_reasons(fault, installed_file(fault).read_text()):
                raise BenchError(f"stale fault {fault.id}: {reasons[0]} in {fault.file}")
            note(f"{prefix}: start")
            result = run_one(fault, args)
        except BenchError as error:
            note(f"{prefix}: error: {error}")
            problems += 1
            continue
        partial = result_file.with_suffix(".partial")
        partial.write_text(json.dumps(result, indent=2) + "\n")
        partial.rename(result_file)
        found = f"FOUND after {result['minutes_to_first_find']} min" if result["found"] else "not found"
        note(
            f"{prefix}: {found}; {result['n_clusters']} clusters, "
            f"{len(result['unpatched_failing_clusters'])} failing without the fault ({result['wall_s']:.0f}s)"
        )
    print(render_report(args.out))
    return EXIT_FAILED if problems else EXIT_OK


# -- baseline -------------------------------------------------------------------------------


def command_baseline(args: argparse.Namespace) -> int:
    check_seeds(args.seeds)
    framework = next((f for f, t in TARGETS.items() if t == args.target), None)
    if framework is None:
        raise BenchError(f"unknown target {args.target!r} (known: {', '.join(TARGETS.values())})")
    if site_dir(PACKAGES[framework]) is None:
        raise BenchError(f"{PACKAGES[framework]} is not installed (target {args.target} needs it)")
    where = args.out / f"baseline-{args.target}"
    campaign = where / "campaign"
    log = where / "fuzzfox.log"
    env = fuzzfox_environment(args.out / "cache" / "unpatched", [default_cache_dir()])
    started = time.monotonic()
    note(
        f"baseline {args.target}: campaign on the installed framework "
        f"({args.minutes:g} min, seed {args.seed})"
    )
    code = fuzzfox(campaign_arguments(args.target, campaign, args), env, log)
    campaign_wall = time.monotonic() - started
    if code not in (0, 1):
        raise BenchError(f"fuzzfox campaign failed (exit {code}): {last_error(log)}")
    note(f"baseline {args.target}: {bug_candidates(campaign)} bug candidates; triage")
    triage(campaign, env, log, args)
    clusters = clusters_of(campaign)
    result = {
        "target": args.target,
        "minutes_budget": args.minutes,
        "seed": args.seed,
        "jobs": args.jobs,
        "programs_run": campaign_runs(campaign),
        "bug_candidates": bug_candidates(campaign),
        "campaign_oracles": campaign_oracles(campaign),
        "clusters": clusters,
        "n_clusters": len(clusters),
        "campaign_wall_s": round(campaign_wall, 1),
        "cpu_seconds": round(campaign_wall * args.jobs, 1),
        "wall_s": round(time.monotonic() - started, 1),
    }
    (where / RESULT).write_text(json.dumps(result, indent=2) + "\n")
    rows = [[c["id"], c["members"], c["reproduced"], c["title"][:100]] for c in clusters]
    print(table(["cluster", "members", "reproduced", "bug"], rows))
    print(
        f"\nbaseline {args.target}: {result['programs_run']} runs, {result['bug_candidates']} bug candidates "
        f"in {len(clusters)} clusters on the unpatched framework ({result['wall_s']:.0f}s); {where / RESULT}"
    )
    return EXIT_OK


# -- report ---------------------------------------------------------------------------------


def table(header: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def load_results(out: Path) -> list[dict[str, Any]]:
    results = []
    for path in sorted(out.glob(f"*/{RESULT}")):
        data = json.loads(path.read_text())
        if "fault" in data:
            results.append(data)
    return results


UNRUN_NAMED = 12  # a report names the faults it lacks up to this many, else counts them


def render_report(out: Path) -> str:
    results = load_results(out)
    if not results:
        return f"no results in {out} yet"
    rows = []
    for r in results:
        first = r["minutes_to_first_find"]
        rows.append(
            [
                r["fault"],
                r["kind"],
                "yes" if r["found"] else "no",
                "-" if first is None else f"{first:.1f}",
                r["n_clusters"],
                len(r["unpatched_failing_clusters"]),
                r.get("programs_run", "-"),
                f"{r.get('campaign_wall_s', 0) / 60:.1f}",
                f"{r['cpu_seconds'] / 60:.1f}",
                r.get("fuzzfox_commit", "-"),
            ]
        )
    found = [r for r in results if r["found"]]
    cpu_hours = sum(r["cpu_seconds"] for r in results) / 3600
    minutes = [r["minutes_to_first_find"] for r in found if r["minutes_to_first_find"] is not None]
    lines = [
        table(
            [
                "fault",
                "kind",
                "found",
                "min to find",
                "clusters",
                "unpatched-failing",
                "runs",
                "min",
                "cpu-min",
                "fuzzfox",
            ],
            rows,
        ),
        "",
        f"found: {len(found)}/{len(results)} ({100 * len(found) / len(results):.0f}%)",
        f"median minutes to first find: {statistics.median(minutes):.1f}"
        if minutes
        else "median minutes to first find: - (nothing found)",
        f"clusters: {sum(r['n_clusters'] for r in results)}; unpatched-failing clusters (real bugs or false "
        f"positives): {sum(len(r['unpatched_failing_clusters']) for r in results)}",
        f"faults found per CPU-hour: {len(found) / cpu_hours:.2f} ({cpu_hours:.2f} CPU-hours: campaign wall "
        "time x jobs)"
        if cpu_hours
        else "faults found per CPU-hour: -",
    ]
    commits = collections.Counter(r.get("fuzzfox_commit", "-") for r in results)
    if len(commits) > 1:
        lines.append(
            "fuzzfox commits (results from several checkouts): "
            + ", ".join(f"{commit} {n}" for commit, n in sorted(commits.items()))
        )
    every_fault = {fault.id: fault.framework for fault in load_faults()}
    unrun = sorted(set(every_fault) - {r["fault"] for r in results})
    if unrun:
        per_framework = collections.Counter(every_fault[fault] for fault in unrun)
        named = ": " + ", ".join(unrun) if len(unrun) <= UNRUN_NAMED else ""
        lines.append(
            f"not run here: {len(unrun)} of the {len(every_fault)} faults ("
            + ", ".join(f"{framework} {n}" for framework, n in sorted(per_framework.items()))
            + f"){named}"
        )
    kinds = sorted({r["kind"] for r in results})
    lines.append(
        "by kind: "
        + ", ".join(
            f"{k} {sum(r['found'] for r in results if r['kind'] == k)}/{sum(r['kind'] == k for r in results)}"
            for k in kinds
        )
    )
    if any(
        "grads" not in r.get("campaign_oracles", "values") for r in results if r["kind"] == "wrong_gradient"
    ):
        lines.append(
            "note: some campaigns judged values only, so their wrong_gradient faults could only be found "
            "through a wrong value they also cause"
        )
    for path in sorted(out.glob(f"baseline-*/{RESULT}")):
        base = json.loads(path.read_text())
        lines.append(
            f"baseline {base['target']} (unpatched, {base['minutes_budget']:g} min, seed {base['seed']}): "
            f"{base['bug_candidates']} bug candidates in {base['n_clusters']} clusters"
        )
    failing = [(r["fault"], c) for r in results for c in r["clusters"] if c["unpatched_failing"]]
    if failing:
        named = sum(bool(c.get("known")) for _, c in failing)
        lines.append(
            f"\nclusters that fail without the fault too ({named} of {len(failing)} named by triage as a "
            "known real bug of corpus/regressions/):"
        )
        lines += [f"  {fault}: {c['id']} {c['title'][:100]}{_known_note(c)}" for fault, c in failing]
    return "\n".join(lines)


def _known_note(cluster: dict[str, Any]) -> str:
    known = cluster.get("known")
    return f" [known: {Path(known).name}]" if known else ""


def command_report(args: argparse.Namespace) -> int:
    if not args.out.is_dir():
        raise BenchError(f"no results directory {args.out}")
    text = render_report(args.out)
    print(text)
    (args.out / "report.md").write_text("```\n" + text + "\n```\n")
    return EXIT_OK


def render_comparison(before: Path, after: Path) -> str:
    """Per fault run in both directories: found, minutes to find, clusters and unpatched-failing
    clusters before and after, and the totals over those faults only (one change, same faults)."""
    old = {r["fault"]: r for r in load_results(before)}
    new = {r["fault"]: r for r in load_results(after)}
    common = [fault for fault in new if fault in old]
    if not common:
        return f"no fault has a result in both {before} and {after}"

    def cell(result: dict[str, Any]) -> str:
        first = result["minutes_to_first_find"]
        return (
            f"yes ({first:.1f} min)"
            if result["found"] and first is not None
            else "yes"
            if result["found"]
            else "no"
        )

    def change(measure: Callable[[dict[str, Any]], Any], fault: str) -> str:
        return f"{measure(old[fault])} -> {measure(new[fault])}"

    def clusters(result: dict[str, Any]) -> int:
        return result["n_clusters"]

    def failing(result: dict[str, Any]) -> int:
        return len(result["unpatched_failing_clusters"])

    def runs(result: dict[str, Any]) -> Any:
        return result.get("programs_run", "-")

    def seed_s(result: dict[str, Any]) -> Any:
        return result.get("seed_seconds_mean") or "-"

    rows = [
        [
            fault,
            cell(old[fault]),
            cell(new[fault]),
            *(change(m, fault) for m in (clusters, failing, runs, seed_s)),
        ]
        for fault in common
    ]

    def total(results: dict[str, dict[str, Any]], measure: Callable[[dict[str, Any]], Any]) -> int:
        return sum(measure(results[fault]) for fault in common)

    def found(result: dict[str, Any]) -> int:
        return int(result["found"])

    return "\n".join(
        [
            f"before: {before} ({_settings(old[common[0]])})",
            f"after:  {after} ({_settings(new[common[0]])})",
            "",
            table(
                ["fault", "found before", "found after", "clusters", "unpatched-failing", "runs", "s a seed"],
                rows,
            ),
            "(s a seed: mean seconds a seed program took to judge, the host's speed during the run)",
            "",
            f"found: {total(old, found)}/{len(common)} -> {total(new, found)}/{len(common)}; "
            f"clusters: {total(old, clusters)} -> {total(new, clusters)}; "
            f"unpatched-failing: {total(old, failing)} -> {total(new, failing)}; "
            f"runs: {total(old, runs)} -> {total(new, runs)}",
        ]
    )


def _settings(result: dict[str, Any]) -> str:
    known = {key: result.get(key, "?") for key in ("minutes_budget", "seed", "jobs", "fuzzfox_commit")}
    draws = result.get("input_draws")
    return (
        f"{known['minutes_budget']} min, seed {known['seed']}, {known['jobs']} jobs, "
        f"input draws {'default' if draws is None else draws}, LLM {result.get('llm', 'none')}, "
        f"fuzzfox {known['fuzzfox_commit']}"
    )


def command_compare(args: argparse.Namespace) -> int:
    for directory in (args.before, args.after):
        if not directory.is_dir():
            raise BenchError(f"no results directory {directory}")
    print(render_comparison(args.before, args.after))
    return EXIT_OK


def command_list(args: argparse.Namespace) -> int:
    faults = load_faults(None, args.framework)
    rows = [[f.id, f.framework, f.kind, f.file, f.description] for f in faults]
    print(table(["id", "framework", "kind", "file", "description"], rows))
    kinds = ", ".join(f"{k} {sum(f.kind == k for f in faults)}" for k in KINDS)
    print(f"\n{len(faults)} faults ({kinds})")
    return EXIT_OK


# -- command line ---------------------------------------------------------------------------

EPILOG = """\
A fault is FOUND when some bug cluster of its campaign has a reproducer that fails with the
fault applied and passes (or is dropped by the instability filter) on the installed framework.
A cluster whose reproducer also fails without the fault is 'unpatched-failing': a false
positive or a real framework bug.

examples:
  bench/faults/run.py list
  bench/faults/run.py verify --fault torch-pow-odd-exponent-drops-factor
  bench/faults/run.py verify --framework torch
  bench/faults/run.py run --framework torch --minutes 10 --seed 0 --out reports/faults
  bench/faults/run.py baseline --target torch-inductor --minutes 10 --seed 0 --out reports/faults
  bench/faults/run.py report --out reports/faults
  bench/faults/run.py compare reports/faults-draws0 reports/faults   # before/after of one change
"""


def positive(kind: type) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, not {text}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench/faults/run.py",
        description="Fault-injection benchmark for fuzzfox: inject one conditional bug at a time into a "
        "private copy of the framework, fuzz it, and count which faults the campaign finds.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def selection(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--fault", action="append", metavar="ID", help="this fault only (repeatable)")
        sub.add_argument("--framework", choices=sorted(PACKAGES), help="only this framework's faults")

    def campaign_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--minutes", type=positive(float), required=True, help="campaign budget per fault")
        sub.add_argument("--seed", type=int, default=0, help="campaign random seed (default: %(default)s)")
        sub.add_argument("--out", type=Path, required=True, metavar="DIR", help="results directory")
        sub.add_argument(
            "--jobs", type=positive(int), default=2, help="sandbox workers (default: %(default)s)"
        )
        sub.add_argument(
            "--reruns", type=positive(int), default=2, help="triage re-runs per cluster (default: 2)"
        )
        sub.add_argument(
            "--seeds",
            nargs="+",
            type=Path,
            metavar="PATH",
            help="seed programs of every campaign (default: the target's corpus, corpus/<target>)",
        )
        sub.add_argument(
            "--oracle",
            metavar="A,B",
            help="oracles of every campaign, passed to `fuzzfox campaign --oracle` (default: the "
            "campaign's own default; the fault's own oracle is never used, so no fault is favoured)",
        )
        sub.add_argument(
            "--input-draws",
            type=int,
            metavar="K",
            help="boundary input draws per program, passed to `fuzzfox campaign --input-draws` "
            "(default: the campaign's own default)",
        )
        sub.add_argument(
            "--llm",
            default="none",
            metavar="SPEC",
            help="the campaigns' LLM, passed to `fuzzfox campaign --llm` (default: %(default)s; "
            "`embedded` for the embedded model, as bench/llm_vs_free.py compares)",
        )
        sub.add_argument(
            "--minimize-seconds",
            type=positive(float),
            default=120.0,
            metavar="S",
            help="triage minimization budget per cluster (default: %(default)s)",
        )

    listing = commands.add_parser("list", help="the faults: id, framework, kind, file, description")
    listing.add_argument("--framework", choices=sorted(PACKAGES))
    verify = commands.add_parser(
        "verify",
        help="check each witness: passes on the installed framework, a bug candidate with the fault",
        description="Run each fault's witness with `fuzzfox run` unpatched (must pass) and patched (must "
        "be a bug candidate); a fault whose `old` text no longer occurs exactly once is stale. "
        "Exit status 1 if any witness does not discriminate or any fault is stale.",
    )
    selection(verify)
    verify.add_argument("--out", type=Path, default=DEFAULT_VERIFY_OUT, metavar="DIR", help="logs and stores")
    verify.add_argument("--jobs", type=positive(int), default=1, help="sandbox workers (default: 1)")
    run = commands.add_parser(
        "run",
        help="per fault: patch, campaign, triage, re-run each cluster with and without the fault",
        description="For each fault (resumable: a fault with DIR/<fault>/result.json is skipped; a "
        "campaign directory that exists is resumed): apply it in a shadow copy, run `fuzzfox campaign` "
        "(--llm none unless --llm says otherwise) on it, triage, then recheck every cluster's "
        "reproducer patched and unpatched.",
    )
    selection(run)
    campaign_options(run)
    run.add_argument(
        "--recheck-reruns", type=positive(int), default=1, help="runs per reproducer and side (default: 1)"
    )
    baseline = commands.add_parser(
        "baseline",
        help="a campaign on the unpatched framework, triaged: each cluster is a false positive or a real bug",
    )
    baseline.add_argument("--target", required=True, choices=sorted(TARGETS.values()))
    campaign_options(baseline)
    report = commands.add_parser("report", help="the table per fault and the totals of a run's results")
    report.add_argument("--out", type=Path, required=True, metavar="DIR")
    seeds = commands.add_parser(
        "seeds",
        help="per fault: the seed corpus alone (no campaign), values oracle, with input draws; which "
        "faults its recorded inputs expose and which only a draw does",
    )
    selection(seeds)
    seeds.add_argument("--out", type=Path, required=True, metavar="DIR", help="results directory")
    seeds.add_argument("--jobs", type=positive(int), default=2, help="sandbox workers (default: %(default)s)")
    seeds.add_argument("--input-draws", type=int, default=7, metavar="K", help="input draws (default: 7)")
    seeds.add_argument(
        "--seeds", nargs="+", type=Path, metavar="PATH", help="the corpus (default: corpus/<target>)"
    )
    reach = commands.add_parser(
        "reach",
        help="per fault run: the optimizations it patches and how many of its campaign's programs reached "
        "them (a miss never reached is a generation problem; one reached, of arguments or input values)",
    )
    reach.add_argument("--out", type=Path, required=True, metavar="DIR", help="results directory of `run`")
    compare = commands.add_parser(
        "compare", help="before/after of one change: the faults run in both results directories"
    )
    compare.add_argument("before", type=Path, metavar="BEFORE", help="results directory of the old setting")
    compare.add_argument("after", type=Path, metavar="AFTER", help="results directory of the new setting")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _absolute_paths(build_parser().parse_args(argv))
    commands = {
        "list": command_list,
        "verify": command_verify,
        "run": command_run,
        "baseline": command_baseline,
        "report": command_report,
        "compare": command_compare,
        "reach": command_reach,
        "seeds": command_seeds,
    }
    try:
        return commands[args.command](args)
    except BenchError as error:
        print(f"faults: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("faults: interrupted; finished faults keep their result.json", file=sys.stderr)
        return 130


def _absolute_paths(args: argparse.Namespace) -> argparse.Namespace:
    """Paths made absolute from where the command ran: campaigns run in the checkout's root, so a
    relative ``--out`` or ``--seeds`` would name another place there."""
    for name, value in vars(args).items():
        if isinstance(value, Path):
            setattr(args, name, value.resolve())
        elif isinstance(value, list) and value and all(isinstance(v, Path) for v in value):
            setattr(args, name, [v.resolve() for v in value])
    return args


if __name__ == "__main__":
    sys.exit(main())
