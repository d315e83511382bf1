"""The issue-ready Markdown body of one bug: title, description, repro, expected vs actual, versions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fuzzfox.report.fmt import fenced, number, when

if TYPE_CHECKING:
    from fuzzfox.triage.clusters import Cluster
    from oracles.verdict import Verdict


def expected_vs_actual(verdict: Verdict) -> list[str]:
    """Bullet lines: what eager (or the fp64 referee) says, and what the compiled run did."""
    lines = []
    if verdict.max_abs_err is not None:
        lines.append(
            f"- `{verdict.leaf or 'output'}`: compiled differs from eager by max abs error "
            f"{number(verdict.max_abs_err)} (max rel error {number(verdict.max_rel_err)})"
        )
    compiled, eager = verdict.rmse_compiled_vs_fp64, verdict.rmse_eager_vs_fp64
    if compiled is not None and eager is not None:
        ratio = f" ({number(compiled / eager)}x further)" if eager else ""
        lines.append(
            f"- RMSE against an fp64 eager run: compiled {number(compiled)}, eager {number(eager)}{ratio}"
        )
    if verdict.exception is not None:
        where = verdict.stage.value if verdict.stage else "run"
        lines.append(
            f"- expected: the compiled program runs like eager; actual ({where}): "
            f"`{verdict.exception.type}: {_one_line(verdict.exception.message)}`"
        )
        lines.extend(f"  - at `{frame}`" for frame in verdict.exception.frames[-3:])
    if verdict.signal:
        lines.append(f"- the compiled run was killed by signal {verdict.signal}")
    return lines or [f"- {verdict.summary}"]


def _compiler(target: str, backend: str) -> str:
    if target == "torch-inductor":
        return f"`torch.compile` with backend `{backend or 'inductor'}`"
    return f"{target} compiled (`{backend or '-'}`)"


def _how_to_run(target: str, file_name: str, backend: str) -> str:
    if target == "torch-inductor":
        return (
            f"Save as `{file_name}` and run `python {file_name}`: it prints expected vs actual numbers "
            "and exits 1 while the bug reproduces."
        )
    return f"Judge it with `fuzzfox run {file_name} --target {target} --backends {backend}`."


def recorded_for(cluster: Cluster) -> str:
    """The recorded numbers are the original program's; a minimized reproducer prints its own."""
    if cluster.minimized is None:
        return f"Recorded by the campaign for program `{cluster.representative[:12]}`:"
    return (
        f"Recorded by the campaign for the original program `{cluster.representative[:12]}` (the minimized "
        "reproducer prints its own numbers):"
    )


def _one_line(text: str, limit: int = 300) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= limit else first[: limit - 3] + "..."


def issue_body(
    cluster: Cluster, *, script: str, file_name: str, target: str, version: str, settings: dict[str, Any]
) -> str:
    signature, verdict = cluster.signature, cluster.verdict
    symptom = signature.symptom.replace("_", " ")
    reproduced = (
        f"the representative showed the same signature in {cluster.reproduced} of {cluster.attempts} "
        "fresh re-runs"
        if cluster.attempts
        else "the representative has not been re-run yet"
    )
    description = [
        f"{_compiler(target, signature.backend)} gives **{symptom}** at the "
        f"{signature.stage or 'unknown'} stage: {verdict.summary}",
        "",
        f"Seen in {len(cluster.members)} program(s) between {when(cluster.first_seen)} and "
        f"{when(cluster.last_seen)}; {reproduced}.",
    ]
    if signature.optimizations:
        description.append(f"Optimizations the program reached: {', '.join(signature.optimizations)}.")
    if signature.ops:
        description.append(f"Ops that survive minimization: {', '.join(signature.ops)}.")
    config = settings.get("inductor_config") or {}
    versions = [f"- {target}: {version}", f"- backends compared: {', '.join(settings.get('backends', []))}"]
    if config:
        versions.append(f"- Inductor config: `{config}`")
    sections = [
        f"### {signature.title()}",
        "\n".join(description),
        "### Reproducer",
        _how_to_run(target, file_name, signature.backend),
        fenced(script, "python"),
        "### Expected vs actual",
        recorded_for(cluster),
        "\n".join(expected_vs_actual(verdict)),
        "### Versions",
        "\n".join(versions),
        f"_Found by fuzzfox, a differential fuzzer for deep-learning compilers (bug signature "
        f"`{signature.key()}`)._",
    ]
    return "\n\n".join(sections) + "\n"
