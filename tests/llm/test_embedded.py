"""The embedded model path for real: registry chunks checked by sha256, llama.cpp's server over HTTP.

The plumbing tests use SmolLM2-135M (98 MB, fast on 2 cores): a real model behind the real
server, so `fuzzfox analyze` talks HTTP exactly as it does to the default Qwen model.  Killing
the server mid-analysis is a real fault, not a simulated one.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fuzzfox.llm.models import TEST_MODEL, ModelInstallError, get_model, install_model
from fuzzfox.llm.server import EmbeddedServer, free_port
from fuzzfox.sandbox.pool import default_cache_dir
from tests.conftest import ROOT, requires_llama, requires_torch, run_cli

SMALL_OPTIMIZATIONS = [
    "joint_graph.pointless_view",
    "joint_graph.pointless_convert",
    "joint_graph.remove_no_ops",
]


@pytest.fixture(scope="module")
def test_model() -> Path:
    """The small model, installed from the registry (a no-op when it is already there)."""
    model = get_model(TEST_MODEL)
    try:
        return install_model(model, default_cache_dir())
    except ModelInstallError as error:
        pytest.skip(f"cannot install {TEST_MODEL}: {error}")


def test_a_chunk_with_the_wrong_hash_is_refused(tmp_path: Path, test_model: Path) -> None:
    tampered = dataclasses.replace(get_model(TEST_MODEL), name="tampered", sha256="0" * 64)
    with pytest.raises(ModelInstallError, match="refusing tampered: joined file is 98362432 bytes"):
        install_model(tampered, tmp_path)
    assert not list((tmp_path / "models").glob("tampered*"))


@requires_llama
def test_server_answers_chat_over_http(test_model: Path, tmp_path: Path) -> None:
    from fuzzfox.llm.client import LLMClient, LLMSettings

    with EmbeddedServer(test_model, TEST_MODEL, log=tmp_path / "server.log") as server:
        client = LLMClient(LLMSettings(base_url=server.base_url, model=TEST_MODEL, max_tokens=24))
        first, second = client.complete(
            [{"role": "user", "content": "Name a PyTorch tensor op."}], n=2, seed=7
        )
        assert first.strip() and second.strip()
        assert client.attempts == 2  # llama.cpp returns one choice per request
    assert not server.ready()  # stopped with the block


def _requirements(campaign: Path) -> list[str]:
    database = campaign / "fuzzfox.sqlite"
    if not database.exists():
        return []
    db = sqlite3.connect(database, timeout=30)
    try:
        return [r[0] for r in db.execute("SELECT optimization FROM requirements ORDER BY created")]
    except sqlite3.OperationalError:
        return []
    finally:
        db.close()


def _analyze_args(campaign: Path, url: str) -> list[str]:
    args = ["analyze", "--campaign", str(campaign), "--llm", url, "--model", TEST_MODEL, "--llm-retries", "2",
            "--max-tokens", "96"]  # fmt: skip
    for optimization in SMALL_OPTIMIZATIONS:
        args += ["--optimization", optimization]
    return args


@requires_torch
@requires_llama
def test_analyze_with_the_embedded_default(test_model: Path, tmp_path: Path) -> None:
    result = run_cli(
        "analyze", "--campaign", str(tmp_path), "--llm", f"embedded:{TEST_MODEL}",
        "--optimization", SMALL_OPTIMIZATIONS[0], "--max-tokens", "96", timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"embedded model {TEST_MODEL} serving at http://127.0.0.1:" in result.stderr
    assert "1 requirements (1 new, 0 kept)" in result.stdout
    assert _requirements(tmp_path) == [SMALL_OPTIMIZATIONS[0]]


@pytest.mark.slow  # 80 s; test_llm_client's dead-server resume is the default suite's proof
@requires_torch
@requires_llama
def test_killing_the_server_mid_analysis_then_resuming(test_model: Path, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    server = EmbeddedServer(test_model, TEST_MODEL, port=port, log=tmp_path / "server.log")
    server.start()
    analysis = subprocess.Popen(
        [sys.executable, "-m", "fuzzfox", *_analyze_args(tmp_path, url)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240
        while not _requirements(tmp_path) and time.monotonic() < deadline and analysis.poll() is None:
            time.sleep(0.2)
        assert _requirements(tmp_path), "no requirement was written before the deadline"
        assert server.process is not None
        os.killpg(server.process.pid, signal.SIGKILL)  # the real server dies mid-analysis
        _, err = analysis.communicate(timeout=120)
    finally:
        server.stop()
        if analysis.poll() is None:
            analysis.kill()
    finished = _requirements(tmp_path)
    if len(finished) == len(SMALL_OPTIMIZATIONS):
        pytest.skip("the analysis finished before the kill landed; nothing to resume")
    assert analysis.returncode == 2, err
    error_lines = [line for line in err.splitlines() if line.startswith("fuzzfox: error:")]
    assert len(error_lines) == 1 and f"cannot reach {url}" in error_lines[0]
    assert "retrying in" in err  # each retry is reported before giving up
    with EmbeddedServer(test_model, TEST_MODEL, port=port, log=tmp_path / "server.log"):
        resumed = run_cli(*_analyze_args(tmp_path, url), timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    kept = len(finished)
    assert (
        f"{len(SMALL_OPTIMIZATIONS)} requirements ({len(SMALL_OPTIMIZATIONS) - kept} new, {kept} kept)"
        in (resumed.stdout)
    )
    assert sorted(_requirements(tmp_path)) == sorted(SMALL_OPTIMIZATIONS)
    db = sqlite3.connect(tmp_path / "llm.sqlite")
    asked = db.execute("SELECT COUNT(*) FROM calls WHERE purpose = 'analysis' AND cached = 0").fetchone()[0]
    db.close()
    assert asked == len(SMALL_OPTIMIZATIONS)  # finished requirements were never asked for again
