"""The LLM client over real HTTP: retries, one-line errors, missing keys, the replay cache.

The server here is a fault injector written for these tests: it answers 429/503/400 on demand
and otherwise a minimal chat completion.  It is a stand-in only for faults a real local model
server (llama.cpp) cannot be made to produce; the real-server path is tested with the embedded
model.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("openai", reason="the openai package is not installed")

from fuzzfox.llm.cache import LLMCache
from fuzzfox.llm.client import (
    LLMClient,
    LLMEndpointDown,
    LLMMissingKey,
    LLMRequestError,
    LLMSettings,
)
from tests.conftest import run_cli
from tests.llm.fault_llm_server import FaultServer, running

MESSAGES = [{"role": "user", "content": "Write a tiny torch program."}]


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with running(FaultServer()) as instance:
        yield instance


def client(url: str, cache: LLMCache | None = None, retries: int = 3, **kw) -> tuple[LLMClient, list[float]]:
    sleeps: list[float] = []
    settings = LLMSettings(
        base_url=url,
        model="m",
        max_retries=retries,
        backoff_s=0.01,
        timeout_s=5,
        price_in_per_million=1.0,
        price_out_per_million=2.0,
        **kw,
    )
    return LLMClient(settings, cache, purpose="analysis", sleep=sleeps.append), sleeps


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_dead_endpoint_is_retried_then_one_line_error() -> None:
    llm, sleeps = client(f"http://127.0.0.1:{closed_port()}/v1", retries=2)
    with pytest.raises(LLMEndpointDown) as caught:
        llm.complete(MESSAGES)
    message = str(caught.value)
    assert "\n" not in message and "after 3 attempts" in message and "127.0.0.1" in message
    assert llm.attempts == 3 and len(sleeps) == 2 and sleeps[1] > sleeps[0]


def test_missing_key_for_a_remote_endpoint_fails_before_any_request(monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    llm, _ = client("https://api.example.invalid/v1")
    with pytest.raises(
        LLMMissingKey, match=re.escape("OPENAI_API_KEY is not set; needed for https://api.example.invalid/v1")
    ):
        llm.complete(MESSAGES)
    assert llm.attempts == 0


def test_429_and_5xx_are_retried_with_growing_backoff(server: FaultServer) -> None:
    server.faults = [429, 503, 500]
    llm, sleeps = client(server.url)
    assert llm.complete(MESSAGES) == ["answer 4"]
    assert server.requests == 4 and llm.attempts == 4
    assert len(sleeps) == 3 and sleeps[0] < sleeps[1] < sleeps[2]


def test_persistent_5xx_gives_up_and_4xx_is_not_retried(server: FaultServer) -> None:
    server.faults = [503] * 5
    llm, _ = client(server.url, retries=2)
    with pytest.raises(LLMRequestError, match="answered HTTP 503 3 times"):
        llm.complete(MESSAGES)
    server.faults = [400]
    llm, sleeps = client(server.url)
    with pytest.raises(LLMRequestError, match="refused the request: HTTP 400"):
        llm.complete(MESSAGES)
    assert llm.attempts == 1 and sleeps == []


def test_same_request_is_replayed_from_the_cache_and_accounted(server: FaultServer, tmp_path: Path) -> None:
    cache = LLMCache(tmp_path / "llm.sqlite")
    llm, _ = client(server.url, cache)
    first = llm.complete(MESSAGES)
    again = llm.complete(MESSAGES)
    assert first == again and server.requests == 1
    other = llm.complete([{"role": "user", "content": "something else"}])
    assert other != first and server.requests == 2
    totals = cache.totals("analysis")
    assert (totals.calls, totals.cache_hits) == (3, 1)
    assert (totals.prompt_tokens, totals.completion_tokens) == (22, 14)
    assert totals.cost == pytest.approx((22 * 1.0 + 14 * 2.0) / 1e6)


def test_n_answers_from_a_server_that_returns_one_choice(server: FaultServer) -> None:
    llm, _ = client(server.url)
    assert llm.complete(MESSAGES, n=3) == ["answer 1", "answer 2", "answer 3"]


def test_analyze_reports_a_dead_server_in_one_line_and_resumes(tmp_path: Path) -> None:
    """Stop the server after the first requirement; the second run keeps it and asks only for the rest."""
    ids = ["joint_graph.pointless_permute_pair", "joint_graph.pointless_view", "post_grad.remove_noop_ops"]
    base = ["analyze", "--campaign", str(tmp_path), "--model", "m", "--llm-retries", "1"]
    args = base + [f"--optimization={i}" for i in ids]
    first_server = FaultServer()
    port = first_server.server_address[1]
    with running(first_server):
        done = run_cli(*base, "--llm", first_server.url, "--optimization", ids[0], timeout=300)
        assert done.returncode == 0, done.stderr
    # The server is gone now: the next run must fail on the second requirement.
    dead = run_cli(*args, "--llm", first_server.url, timeout=300)
    assert dead.returncode == 2
    last = dead.stderr.strip().splitlines()[-1]
    assert last.startswith("fuzzfox: error: cannot reach") and f":{port}/v1" in last
    assert "retrying in" in dead.stderr and "kept joint_graph.pointless_permute_pair" in dead.stderr
    with running(FaultServer(port)) as second_server:
        resumed = run_cli(*args, "--llm", second_server.url, timeout=300)
        assert resumed.returncode == 0, resumed.stderr
        assert second_server.requests == 2, "a finished requirement was asked again"
    assert "3 requirements (2 new, 1 kept)" in resumed.stdout
