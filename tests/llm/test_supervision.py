"""An LLM that dies never takes a campaign with it.

For real: SmolLM2-135M behind llama.cpp's server, killed with SIGILL and SIGKILL and restarted by
the supervisor; the installed llama.cpp library checked for instructions that some machines of
this kind refuse; campaigns against a remote endpoint that is down for the whole run and one that
answers 429 until it recovers (an HTTP server of our own: a real status storm over real HTTP).
The only stand-in is ``tests/llm/dying_llm_server.py`` for a server that dies by SIGILL at its first
completion, which the portable build cannot be made to do here.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fuzzfox.llm.availability import LLMAvailability
from fuzzfox.llm.client import LLMClient, LLMEndpointDown, LLMMarkedDown, LLMSettings
from fuzzfox.llm.models import TEST_MODEL, get_model
from fuzzfox.llm.server import (
    PORTABLE_CMAKE_ARGS,
    EmbeddedCrashed,
    EmbeddedServer,
    describe_exit,
    free_port,
    smoke_test,
)
from fuzzfox.llm.supervisor import SupervisedServer
from fuzzfox.sandbox.pool import default_cache_dir
from tests.conftest import CORPUS, ROOT, requires_llama, requires_torch, run_cli
from tests.llm.fault_llm_server import FaultServer, running

SAY_OK = [{"role": "user", "content": "Say OK."}]


@pytest.fixture(scope="module")
def test_model() -> Path:
    model = get_model(TEST_MODEL)
    if not model.installed(default_cache_dir()):
        pytest.skip(f"run `fuzzfox llm install --model {TEST_MODEL}` first (make test does)")
    return model.path(default_cache_dir())


def test_an_exit_is_one_line_naming_the_signal_and_the_fix() -> None:
    sigill = describe_exit(-signal.SIGILL)
    assert sigill.startswith("killed by SIGILL (illegal instruction")
    assert "make llama-rebuild" in sigill and "GGML_NATIVE=OFF" in sigill
    assert describe_exit(-signal.SIGKILL).startswith("killed by SIGKILL (killed: out of memory")
    assert describe_exit(3) == "exited with status 3"
    assert "\n" not in sigill


def test_the_makefile_builds_llama_cpp_with_the_portable_flags() -> None:
    makefile = (ROOT / "Makefile").read_text()
    block = re.search(r"^LLAMA_CMAKE_ARGS := (.*?)\n(?!\t)", makefile, re.S | re.M)
    assert block is not None
    flags = " ".join(block.group(1).replace("\\\n", " ").split())
    assert flags == PORTABLE_CMAKE_ARGS
    assert "-DGGML_NATIVE=OFF" in flags


@requires_llama
@pytest.mark.skipif(shutil.which("objdump") is None, reason="objdump (binutils) is not installed")
def test_the_installed_llama_cpp_uses_no_avx512_or_amx_instructions() -> None:
    """A native build on an AVX-512/AMX machine dies with SIGILL on machines of this kind."""
    spec = importlib.util.find_spec("llama_cpp")
    assert spec is not None and spec.origin is not None
    library = Path(spec.origin).parent / "lib" / "libggml-cpu.so"
    assert library.exists(), f"no {library}"
    code = subprocess.run(["objdump", "-d", str(library)], capture_output=True, text=True, check=True).stdout
    assert "ymm" in code  # AVX2 kernels are there
    refused = [
        line
        for line in code.splitlines()
        if re.search(r"%zmm|%k[1-7]\b|tilezero|tileload|tdpb", line)  # AVX-512 registers, AMX tiles
    ]
    assert refused == [], f"{len(refused)} AVX-512/AMX instructions, e.g. {refused[0]}"


@requires_llama
def test_supervisor_reports_sigill_restarts_and_answers_again(test_model: Path, tmp_path: Path) -> None:
    notes: list[str] = []
    server = EmbeddedServer(test_model, TEST_MODEL, log=tmp_path / "server.log")
    supervisor = SupervisedServer(server, notes.append, backoff_s=1.0)
    supervisor.start()
    try:
        client = LLMClient(
            LLMSettings(base_url=supervisor.base_url, model=TEST_MODEL, max_tokens=4, backoff_s=0.5),
            guard=supervisor.ensure_up,
        )
        assert client.complete(SAY_OK, seed=1)[0].strip()
        assert server.process is not None
        os.kill(server.process.pid, signal.SIGILL)
        server.process.wait(timeout=30)
        with pytest.raises(LLMEndpointDown, match=r"killed by SIGILL \(illegal instruction.*restarting in"):
            supervisor.ensure_up()
        assert supervisor.state()["state"] == "restarting"
        # The client retries through the restart (0.5 s, then 1 s of backoff; the restart is due at 1 s).
        assert client.complete(SAY_OK, seed=2)[0].strip()
        assert supervisor.restarts == 1 and supervisor.state()["state"] == "up"
        assert supervisor.base_url == server.base_url  # same port: the clients keep their URL
    finally:
        supervisor.stop()
    assert any("killed by SIGILL" in n and "make llama-rebuild" in n for n in notes)
    assert any("back (restart 1)" in n for n in notes)


@requires_llama
def test_supervisor_marks_the_server_down_after_repeated_crashes(test_model: Path, tmp_path: Path) -> None:
    server = EmbeddedServer(test_model, TEST_MODEL, log=tmp_path / "server.log")
    supervisor = SupervisedServer(server, backoff_s=0.1, max_crashes=2)
    supervisor.start()
    try:
        for crash in range(2):
            assert server.process is not None
            server.process.kill()
            server.process.wait(timeout=30)
            if crash == 0:
                with pytest.raises(LLMEndpointDown):
                    supervisor.ensure_up()
                time.sleep(0.2)
                supervisor.ensure_up()  # restarted
        with pytest.raises(LLMMarkedDown, match=r"marked down after 2 crashes.*last: killed by SIGKILL"):
            supervisor.ensure_up()
        assert supervisor.state()["state"] == "down"
        with pytest.raises(LLMMarkedDown):  # and it stays down: no restart storm
            supervisor.ensure_up()
    finally:
        supervisor.stop()


def test_smoke_test_names_sigill_at_the_first_completion(tmp_path: Path, monkeypatch) -> None:
    dying = ROOT / "tests" / "llm" / "dying_llm_server.py"
    monkeypatch.setattr(
        EmbeddedServer,
        "command",
        lambda self: [sys.executable, str(dying), "--port", str(self.port), "--signal", "SIGILL"],
    )
    monkeypatch.setattr("fuzzfox.llm.server.llama_server_missing", lambda: None)
    model = tmp_path / "model.gguf"
    model.write_bytes(b"stand-in")
    with pytest.raises(EmbeddedCrashed) as caught:
        smoke_test(model, "dying", log=tmp_path / "smoke.log")
    message = str(caught.value)
    assert "killed by SIGILL (illegal instruction" in message and "at its first completion" in message
    assert "make llama-rebuild" in message


@requires_llama
def test_llm_check_passes_on_this_machine(test_model: Path) -> None:
    result = run_cli("llm", "check", "--model", TEST_MODEL, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"{TEST_MODEL}: the server answered" in result.stdout


def test_availability_backs_off_doubling_and_recovers() -> None:
    now = [1000.0]
    availability = LLMAvailability(backoff_s=10, max_backoff_s=25, clock=lambda: now[0])
    assert availability.usable() and availability.as_stats()["llm_state"] == "up"
    assert availability.failed("HTTP 429") == 10
    assert not availability.usable()
    now[0] += 10
    assert availability.usable()
    assert availability.failed("HTTP 429") == 20
    assert availability.failed("HTTP 429") == 25  # capped
    assert "down since" in availability.describe() and "HTTP 429" in availability.describe()
    now[0] += 5
    assert availability.succeeded() == 15
    assert availability.usable() and availability.outages == 1
    assert availability.failed("crashed", for_good=True) == float("inf")
    now[0] += 10_000
    assert not availability.usable()


# -- campaigns ----------------------------------------------------------------------------------


def _seed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(CORPUS / "pointless_permute_pair.py", folder)
    return folder


def _campaign(directory: Path, seeds: Path, llm: str, *extra: str) -> list[str]:
    return [
        "campaign", "--campaign", str(directory), "--seeds", str(seeds), "--llm", llm,
        "--jobs", "1", "--batch", "2", "--backends", "aot_eager", "--oracle", "values", "--analyze", "never",
        *extra,
    ]  # fmt: skip


def _stats(directory: Path) -> dict:
    return json.loads((directory / "stats.json").read_text())


@requires_torch
def test_a_campaign_whose_remote_llm_is_down_judges_to_its_budget(tmp_path: Path) -> None:
    seeds = _seed_folder(tmp_path)
    dead = f"http://127.0.0.1:{free_port()}/v1"
    mixed = tmp_path / "mixed"
    result = run_cli(
        *_campaign(mixed, seeds, dead, "--model", "m", "--generators", "llm=1,synth=1", "--programs", "5"),
        "--llm-retries", "0", "--llm-backoff", "600",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    stats = _stats(mixed)
    assert stats["programs_run_session"] >= 5 and stats["state"] == "stopped"
    assert stats["llm_state"] == "down" and "cannot reach" in stats["llm_down_reason"]
    assert "LLM unavailable: cannot reach" in result.stderr and "LLM-free generators go on" in result.stderr
    status = run_cli("status", str(mixed)).stdout
    assert re.search(r"llm : down since \d\d:\d\d:\d\d \(cannot reach", status)
    assert "stopped: program budget of 5 spent" in status


@pytest.mark.slow
@requires_torch
def test_a_campaign_whose_only_generator_is_a_dead_llm_waits_and_tries_again(tmp_path: Path) -> None:
    seeds = _seed_folder(tmp_path)
    dead = f"http://127.0.0.1:{free_port()}/v1"
    # The time budget counts from the start, sandbox worker start-up included (10-15 s on a slow
    # machine): 30 s leaves room for the first try and the one after its 1-s backoff.
    only_llm = tmp_path / "only-llm"
    started = time.monotonic()
    result = run_cli(
        *_campaign(only_llm, seeds, dead, "--model", "m", "--generators", "llm=1", "--minutes", "0.5"),
        "--llm-retries", "0", "--llm-backoff", "1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert time.monotonic() - started < 120
    stats = _stats(only_llm)
    assert stats["ended_because"] == "time budget of 0.5 min spent"
    assert result.stderr.count("LLM unavailable") >= 2  # it waited and tried again


@pytest.mark.slow
@requires_torch
def test_llm_rounds_resume_when_a_429_storm_ends(tmp_path: Path) -> None:
    seeds = _seed_folder(tmp_path)
    directory = tmp_path / "c"
    with running(FaultServer()) as server:
        server.faults = [429, 429, 429]
        args = _campaign(directory, seeds, server.url, "--model", "m", "--generators", "llm=1")
        result = run_cli(*args, "--minutes", "0.4", "--llm-retries", "0", "--llm-backoff", "1")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr.count("LLM unavailable") == 3 and "HTTP 429" in result.stderr
    assert "LLM back after" in result.stderr and "LLM rounds resume" in result.stderr
    stats = _stats(directory)
    assert stats["llm_state"] == "up" and stats["llm_outages"] == 1
    assert stats["rounds"] >= 1  # LLM rounds ran after the storm (their answers are no programs: rejects)


@pytest.mark.slow
@requires_torch
@requires_llama
def test_kill_9_of_the_embedded_server_mid_campaign(test_model: Path, tmp_path: Path) -> None:
    """The campaign goes on with synth rounds, the server comes back, LLM rounds resume, nothing is lost."""
    from tests.test_campaign import assert_consistent, query

    seeds = _seed_folder(tmp_path)
    directory = tmp_path / "c"
    args = _campaign(directory, seeds, f"embedded:{TEST_MODEL}", "--generators", "llm=1,synth=1")
    log = (tmp_path / "campaign.log").open("w")
    campaign = subprocess.Popen(
        [sys.executable, "-m", "fuzzfox", *args, "--minutes", "2.5", "--llm-backoff", "2"],
        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        server_pid = None
        while server_pid is None and time.monotonic() < deadline:
            time.sleep(1)
            llm_rounds = query(directory, "SELECT COUNT(*) FROM batches WHERE generator LIKE 'llm:%'")[0][0] \
                if (directory / "fuzzfox.sqlite").exists() else 0  # fmt: skip
            if llm_rounds:
                server_pid = _llama_server_child(campaign.pid)
        assert server_pid is not None, "no LLM round before the deadline"
        killed_at = time.time()
        os.kill(server_pid, signal.SIGKILL)
        campaign.wait(timeout=400)
    finally:
        if campaign.poll() is None:
            campaign.kill()
        log.close()
    output = (tmp_path / "campaign.log").read_text()
    assert campaign.returncode == 0, output[-3000:]
    assert "killed by SIGKILL" in output and "back (restart 1)" in output
    after = query(directory, f"SELECT generator FROM batches WHERE created > {killed_at}")
    generators = {g.split(":")[0] for (g,) in after}
    # a round of the model's: a first answer or a repair
    assert generators & {"llm", "llm-repair"}, f"no LLM round after the restart: {after}"
    assert_consistent(directory)
    assert _stats(directory)["llm_server_restarts"] >= 1


def _llama_server_child(parent: int) -> int | None:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"llama_cpp.server" in command:
            return int(entry.name)
    return None


@requires_torch
def test_a_campaign_that_ends_on_an_error_says_stopped_and_why(tmp_path: Path) -> None:
    directory = tmp_path / "c"
    result = run_cli(*_campaign(directory, tmp_path / "no-such-seeds", "none", "--programs", "1"))
    assert result.returncode == 2 and "no such seed file" in result.stderr
    stats = _stats(directory)
    assert stats["state"] == "stopped"
    assert stats["ended_because"].startswith("error: UsageError: no such seed file")
    status = run_cli("status", str(directory)).stdout
    assert "stopped: error: UsageError: no such seed file" in status and "dead" not in status
