"""``fuzzfox analyze``: ask an analysis LLM what a program must look like to reach each optimization."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fuzzfox.cli.args import DEFAULT_TARGET, EXIT_CLEAN, note, positive_int
from fuzzfox.llm.client import LLMSettings
from fuzzfox.runner import UsageError
from fuzzfox.targets import TARGETS, get_target


def add_commands(commands: Any) -> None:
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
    analyze.set_defaults(handler=command_analyze)


def _add_llm_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--llm",
        default="embedded",
        metavar="URL|embedded[:MODEL]",
        help="an OpenAI-compatible base URL (e.g. http://127.0.0.1:8080/v1, with --model), or "
        "'embedded' to start the offline model on 127.0.0.1 for the duration (default: %(default)s)",
    )
    parser.add_argument("--model", help="model name at the --llm endpoint, or the embedded model's name")


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
        how = "kept" if result.reused else "echo" if result.echo else "new "
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
            note=note,
        ) as endpoint:
            if endpoint.embedded:
                note(f"embedded model {endpoint.model} serving at {endpoint.base_url}")
            settings = LLMSettings(
                base_url=endpoint.base_url,
                model=endpoint.model,
                api_key_env=args.api_key_env,
                max_retries=args.llm_retries,
                max_tokens=args.max_tokens,
            )
            client = LLMClient(settings, cache, purpose="analysis", on_retry=note, guard=endpoint.guard)
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
            if not result.echo:  # an echo of a worked example is no requirement to ship
                write_shipped(result.requirement, target.version(), folder)
    totals = cache.totals("analysis")
    new = sum(not r.reused for r in results)
    print(
        f"{len(results)} requirements ({new} new, {len(results) - new} kept) in {args.campaign}; "
        f"LLM: {totals.calls - totals.cache_hits} calls, {totals.cache_hits} cached, "
        f"{totals.prompt_tokens}+{totals.completion_tokens} tokens, cost {totals.cost:.4f}"
    )
    return EXIT_CLEAN
