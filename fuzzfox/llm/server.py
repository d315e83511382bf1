"""The embedded LLM: llama.cpp's OpenAI-compatible server on 127.0.0.1, run as a child process.

fuzzfox talks to it over HTTP exactly as to any remote endpoint, so the offline default and a
hosted model share one code path.  The server gets a scrubbed environment (it needs no key),
binds to loopback only, and dies with the context that started it.  How it died (exit status or
signal) is read and said in one line: llama.cpp dies silently, and a SIGILL from a library built
for another CPU otherwise looks like an unreachable endpoint.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from fuzzfox.llm.client import LLMError
from fuzzfox.sandbox.isolation import scrubbed_environment

START_TIMEOUT_S = 180.0
EXIT_GRACE_S = 5.0  # how long a server whose connection dropped gets to finish dying
INSTALL_HINT = (
    "pip install 'fuzzfox[llm]' (llama-cpp-python builds from source: ~9 min on 2 cores), "
    "then fuzzfox llm install"
)
# The portable build (see the Makefile's LLAMA_CMAKE_ARGS; tests/llm/test_embedded.py checks that
# the two agree): x86-64 with AVX2/FMA/F16C, no native flags, so no AMX or AVX-512.
PORTABLE_CMAKE_ARGS = (
    "-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON "
    "-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
)
REBUILD_HINT = (
    "rebuild it portable: `make llama-rebuild` in a fuzzfox checkout, or "
    f"CMAKE_ARGS='{PORTABLE_CMAKE_ARGS}' pip install --force-reinstall --no-deps --no-cache-dir "
    "llama-cpp-python==0.3.36"
)
SIGNAL_MEANINGS = {
    signal.SIGILL: "illegal instruction: the llama.cpp library was built for CPU features this "
    f"machine lacks (a native build: AMX or AVX-512); {REBUILD_HINT}",
    signal.SIGSEGV: "segmentation fault inside llama.cpp",
    signal.SIGBUS: "bus error: the model file changed or was truncated while mapped",
    signal.SIGABRT: "aborted: an assertion in llama.cpp failed",
    signal.SIGKILL: "killed: out of memory, or killed from outside",
    signal.SIGTERM: "terminated from outside",
}


def describe_exit(returncode: int) -> str:
    """One line for how a process ended: a signal's name and what it means here, or the status."""
    if returncode >= 0:
        return f"exited with status {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = f"signal {-returncode}"
    return f"killed by {name} ({SIGNAL_MEANINGS.get(-returncode, 'a fatal signal')})"


class EmbeddedUnavailable(LLMError):
    """The embedded model cannot run here; the message says what to install."""


class EmbeddedCrashed(EmbeddedUnavailable):
    """The server process died or never answered; ``cause`` is the one-line reason."""

    def __init__(self, cause: str, log: Path | None = None) -> None:
        where = f" (log: {log})" if log else ""
        super().__init__(f"the embedded LLM server {cause}{where}")
        self.cause = cause


def llama_server_missing() -> str | None:
    if importlib.util.find_spec("llama_cpp") is None:
        return f"the embedded model needs llama-cpp-python: {INSTALL_HINT}"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EmbeddedServer:
    """``with EmbeddedServer(path) as server: LLMSettings(base_url=server.base_url, ...)``."""

    def __init__(
        self,
        model_path: Path,
        alias: str,
        *,
        threads: int = 2,
        context: int = 8192,
        port: int | None = None,
        log: Path | None = None,
    ) -> None:
        self.model_path = model_path
        self.alias = alias
        self.threads = threads
        self.context = context
        self.port = port or free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model_path),
            "--model_alias", self.alias,
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--n_ctx", str(self.context),
            "--n_threads", str(self.threads),
        ]  # fmt: skip

    def start(self) -> str:
        if reason := llama_server_missing():
            raise EmbeddedUnavailable(reason)
        if not self.model_path.exists():
            raise EmbeddedUnavailable(f"no model file at {self.model_path}: run `fuzzfox llm install`")
        if self.log is not None:
            self.log.parent.mkdir(parents=True, exist_ok=True)
        output = self.log.open("ab") if self.log is not None else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(
                self.command(),
                stdout=output,
                stderr=subprocess.STDOUT,
                env=scrubbed_environment(os.environ, {}),
                start_new_session=True,
            )
        finally:
            if not isinstance(output, int):
                output.close()
        self._wait_ready()
        return self.base_url

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                cause = describe_exit(self.process.returncode)
                self.process = None
                raise EmbeddedCrashed(f"{cause} while starting", self.log)
            if self.ready():
                return
            time.sleep(0.5)
        self.stop()
        raise EmbeddedCrashed(f"did not answer within {START_TIMEOUT_S:.0f} s of starting", self.log)

    def exit_status(self, wait_s: float = 0.0) -> int | None:
        """The dead server's return code (negative: killed by that signal); None while it runs
        (after waiting up to ``wait_s`` seconds for it to end)."""
        if self.process is None:
            return None
        try:
            return self.process.wait(timeout=wait_s) if wait_s else self.process.poll()
        except subprocess.TimeoutExpired:
            return None

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                return bool(json.load(response).get("data"))
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def __enter__(self) -> EmbeddedServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


def smoke_test(model_path: Path, alias: str, log: Path | None = None, threads: int = 2) -> tuple[str, float]:
    """One short completion through the real server: (the answer, seconds it took).

    EmbeddedCrashed with the cause (e.g. SIGILL and what to rebuild) if the server dies; an
    answer that is empty is an error too.
    """
    from fuzzfox.llm.client import LLMClient, LLMSettings

    with EmbeddedServer(model_path, alias, threads=threads, context=2048, log=log) as server:
        client = LLMClient(
            LLMSettings(base_url=server.base_url, model=alias, max_tokens=8, temperature=0.0, max_retries=0)
        )
        started = time.monotonic()
        try:
            answer = client.complete([{"role": "user", "content": "Say OK."}])[0]
        except LLMError:
            # A server killed mid-answer drops the connection a moment before its exit can be
            # reaped: give it that moment before calling it alive (on a loaded machine it is not
            # done by the time the client gives up).
            status = server.exit_status(wait_s=EXIT_GRACE_S)
            if status is None:
                raise
            server.process = None
            raise EmbeddedCrashed(f"{describe_exit(status)} at its first completion", log) from None
        if not answer.strip():
            raise EmbeddedCrashed("answered an empty completion", log)
        return answer.strip(), time.monotonic() - started
