"""Completion speed of the portable llama.cpp build (what `make setup` installs) vs a native build.

The portable build (AVX2/FMA/F16C, no native flags) runs on every x86-64 machine of this kind;
a native build may use AVX-512 or AMX and die with SIGILL on another machine. This measures
what portability costs, on a machine where both run, in one run: prompt and generation
tokens/s of the same model, prompt and thread count, the two builds alternating (ABAB...) so
that drift in the machine's load hits both.

    # a native wheel, built once (~4-8 min on 2 cores), outside the checkout:
    CMAKE_ARGS="-DGGML_NATIVE=ON" .venv/bin/pip wheel --no-deps --no-cache-dir \\
        -w /tmp/llama-native llama-cpp-python==0.3.36
    .venv/bin/python bench/llama_portable_vs_native.py --native-wheel /tmp/llama-native/*.whl

The portable side is the llama_cpp installed in this interpreter's environment.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MEASURE = r"""
import json, sys
import llama_cpp
model, threads, new_tokens = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
llm = llama_cpp.Llama(model_path=model, n_threads=threads, n_ctx=2048, seed=0, verbose=False)
prompt = ("Write a PyTorch module whose forward permutes a 3-d tensor twice, then applies relu, "
          "and a make_inputs function returning one random tensor. ") * 4
llm.create_completion(prompt[:40], max_tokens=4, temperature=0.0)  # warm-up: first-call costs
llm.reset()
llama_cpp.llama_perf_context_reset(llm._ctx.ctx)
out = llm.create_completion(prompt, max_tokens=new_tokens, temperature=0.0)
perf = llama_cpp.llama_perf_context(llm._ctx.ctx)  # llama.cpp's own timers: prompt eval vs generation
print(json.dumps({"library": llama_cpp.__file__, "prompt_tokens": perf.n_p_eval,
                  "prompt_tps": 1000 * perf.n_p_eval / perf.t_p_eval_ms,
                  "generation_tps": 1000 * perf.n_eval / perf.t_eval_ms,
                  "generated": out["usage"]["completion_tokens"]}))
"""


def measure(python: str, site: Path | None, model: Path, threads: int, new_tokens: int) -> dict:
    env = None if site is None else {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [python, "-c", MEASURE, str(model), str(threads), str(new_tokens)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise SystemExit(
            f"the {'native' if site else 'portable'} build failed (status {result.returncode}): {tail}"
        )
    return json.loads(result.stdout.strip().splitlines()[-1])


def default_model() -> Path:
    from fuzzfox.llm.models import DEFAULT_MODEL, TEST_MODEL, get_model
    from fuzzfox.sandbox.pool import default_cache_dir

    for name in (DEFAULT_MODEL, TEST_MODEL):
        if get_model(name).installed(default_cache_dir()):
            return get_model(name).path(default_cache_dir())
    raise SystemExit("no embedded model installed: run `fuzzfox llm install`")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--native-wheel", type=Path, required=True, help="a llama-cpp-python wheel built native"
    )
    parser.add_argument("--model", type=Path, help="a GGUF file (default: the embedded default model)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=64, help="tokens generated per completion")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per build, alternating")
    args = parser.parse_args()
    model = args.model or default_model()
    with tempfile.TemporaryDirectory(prefix="llama-native-") as scratch:
        with zipfile.ZipFile(args.native_wheel) as wheel:
            wheel.extractall(scratch)
        # ctypes loads the .so files: keep their mode bits, which zipfile drops
        for library in Path(scratch).rglob("*.so*"):
            library.chmod(0o755)
        runs: dict[str, list[dict]] = {"portable": [], "native": []}
        for round_number in range(args.rounds):
            for build, site in (("portable", None), ("native", Path(scratch))):
                run = measure(sys.executable, site, model, args.threads, args.tokens)
                runs[build].append(run)
                print(
                    f"round {round_number} {build:<8} prompt {run['prompt_tps']:7.1f} tok/s  "
                    f"generation {run['generation_tps']:6.1f} tok/s  ({run['library']})",
                    file=sys.stderr,
                    flush=True,
                )
    print(
        f"model {model.name}, {args.threads} threads, {runs['portable'][0]['prompt_tokens']} prompt tokens, "
        f"{args.tokens} generated, median of {args.rounds} alternating runs"
    )
    for what in ("prompt_tps", "generation_tps"):
        portable = statistics.median(r[what] for r in runs["portable"])
        native = statistics.median(r[what] for r in runs["native"])
        print(
            f"{what:<15} portable {portable:7.1f} tok/s  native {native:7.1f} tok/s  "
            f"portable/native {portable / native:.2f}x"
        )


if __name__ == "__main__":
    main()
