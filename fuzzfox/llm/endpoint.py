"""Where an LLM call goes: a user's OpenAI-compatible URL, or the embedded model on loopback.

``--llm embedded`` (the default) or ``--llm embedded:<model>`` starts llama.cpp's server with an
installed embedded model for as long as the work lasts; ``--llm http://host:port/v1`` (with
``--model NAME``) uses that endpoint as it is.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fuzzfox.llm.client import LLMError
from fuzzfox.llm.models import DEFAULT_MODEL, ModelInstallError, get_model
from fuzzfox.llm.server import EmbeddedServer, EmbeddedUnavailable
from fuzzfox.llm.supervisor import SupervisedServer

EMBEDDED = "embedded"


@dataclasses.dataclass(frozen=True)
class Endpoint:
    base_url: str
    model: str
    embedded: bool
    supervisor: SupervisedServer | None = None

    @property
    def guard(self) -> Callable[[], None] | None:
        """For ``LLMClient(guard=...)``: the supervisor's check before each request."""
        return self.supervisor.ensure_up if self.supervisor else None

    def state(self) -> dict[str, Any]:
        return self.supervisor.state() if self.supervisor else {}


def parse_spec(spec: str | None, model: str | None) -> tuple[str | None, str]:
    """(URL or None for embedded, model name); LLMError for a spec that cannot work."""
    spec = spec or EMBEDDED
    if spec == EMBEDDED or spec.startswith(EMBEDDED + ":"):
        name = spec.partition(":")[2] or model or DEFAULT_MODEL
        try:
            get_model(name)
        except ModelInstallError as error:
            raise LLMError(str(error)) from None
        return None, name
    if not spec.startswith(("http://", "https://")):
        raise LLMError(f"--llm must be 'embedded', 'embedded:MODEL' or an http(s) URL, not {spec!r}")
    if not model:
        raise LLMError(f"give --model NAME for the endpoint {spec}")
    return spec, model


@contextlib.contextmanager
def open_endpoint(
    spec: str | None,
    model: str | None,
    cache_dir: Path,
    *,
    threads: int = 2,
    log: Path | None = None,
    note: Callable[[str], None] = lambda _: None,
) -> Iterator[Endpoint]:
    """The endpoint to call; an embedded server runs, supervised, until the block ends.

    A missing llama-cpp-python or model file is an error here (a set-up to fix); a server that
    dies, even while starting, is not: the supervisor reports it and restarts it.
    """
    url, name = parse_spec(spec, model)
    if url is not None:
        yield Endpoint(url, name, embedded=False)
        return
    model_file = get_model(name)
    if not model_file.installed(cache_dir):
        raise EmbeddedUnavailable(
            f"embedded model {name} is not installed: run `fuzzfox llm install --model {name}`"
        )
    supervisor = SupervisedServer(
        EmbeddedServer(model_file.path(cache_dir), name, threads=threads, log=log), note
    )
    supervisor.start()
    try:
        yield Endpoint(supervisor.base_url, name, embedded=True, supervisor=supervisor)
    finally:
        supervisor.stop()
