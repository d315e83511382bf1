"""The analysis stage's bookkeeping: prompts, keys, resume, re-derivation on source change.

The model here is a plain function (what ``analyze`` is given); the HTTP path to a real model
server is tested in tests/llm/.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from fuzzfox.analysis import (
    AnalysisPrompt,
    RequirementStore,
    analyze,
    clean_answer,
    read_shipped,
    write_shipped,
)
from fuzzfox.whitebox.optimization import Optimization

PERMUTE = Optimization(
    id="joint_graph.pointless_permute_pair",
    kind="graph_pattern",
    pass_name="joint_graph.patterns",
    file="_inductor/fx_passes/joint_graph.py",
    first_line=896,
    last_line=911,
    source="def pointless_permute_pair(match, arg, perm1, perm2): ...",
    fired_lines=(909, 910, 911, 913),
    cpu=True,
    pattern="CallFunction(aten.permute.default, ...)",
)
NOOP = dataclasses.replace(
    PERMUTE,
    id="post_grad.remove_noop_ops",
    kind="pass_function",
    pattern="",
    source="def remove_noop_ops(graph): ...",
    fired_lines=(1292,),
)


class Model:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, messages: list[dict[str, str]]) -> str:
        self.asked.append(messages[-1]["content"])
        return "Sure! Here is what it needs:\n- two permutes\n- that cancel"


def test_prompt_has_system_two_worked_examples_and_the_optimization() -> None:
    prompt = AnalysisPrompt("torch-inductor")
    messages = prompt.messages(PERMUTE)
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user", "assistant", "user"]
    last = messages[-1]["content"]
    assert "joint_graph.pointless_permute_pair" in last and "_inductor/fx_passes/joint_graph.py:896" in last
    assert "It fired when these lines ran: 909-911, 913." in last
    assert "no single pattern" in prompt.messages(NOOP)[-1]["content"]
    assert len(prompt.version) == 12


def test_prompt_version_follows_its_text(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parent.parent / "prompts"
    copy = tmp_path / "torch-inductor" / "analysis"
    copy.mkdir(parents=True)
    for path in (source / "torch-inductor" / "analysis").rglob("*"):
        target = copy / path.relative_to(source / "torch-inductor" / "analysis")
        if path.is_dir():
            target.mkdir(exist_ok=True)
        else:
            target.write_text(path.read_text())
    before = AnalysisPrompt("torch-inductor", tmp_path).version
    assert before == AnalysisPrompt("torch-inductor").version
    (copy / "system.md").write_text("changed")
    assert AnalysisPrompt("torch-inductor", tmp_path).version != before


def test_answers_are_stored_reused_and_rederived_only_when_source_changes(tmp_path: Path) -> None:
    prompt, model = AnalysisPrompt("torch-inductor"), Model()
    store = RequirementStore(tmp_path / "fuzzfox.sqlite")
    first = analyze([PERMUTE, NOOP], model, "m", prompt, store)
    assert [r.reused for r in first] == [False, False] and len(model.asked) == 2
    assert first[0].requirement.text == "- two permutes\n- that cancel"
    assert first[0].requirement.author == "llm:m"
    again = analyze([PERMUTE, NOOP], model, "m", prompt, store)
    assert [r.reused for r in again] == [True, True] and len(model.asked) == 2
    changed = dataclasses.replace(NOOP, source="def remove_noop_ops(graph): new code")
    third = analyze([PERMUTE, changed], model, "m", prompt, store)
    assert [r.reused for r in third] == [True, False] and len(model.asked) == 3
    analyze([PERMUTE], model, "another-model", prompt, store)
    assert len(model.asked) == 4


def test_a_dead_model_keeps_what_finished(tmp_path: Path) -> None:
    prompt, store = AnalysisPrompt("torch-inductor"), RequirementStore(tmp_path / "fuzzfox.sqlite")
    calls = 0

    def dies_on_second(messages):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionError("endpoint down")
        return "- ok"

    with pytest.raises(ConnectionError):
        analyze([PERMUTE, NOOP], dies_on_second, "m", prompt, store)
    assert store.get(PERMUTE, "m", prompt.version) is not None
    assert store.get(NOOP, "m", prompt.version) is None
    resumed = analyze([PERMUTE, NOOP], dies_on_second, "m", prompt, store)
    assert [r.reused for r in resumed] == [True, False]


def test_shipped_requirement_files_round_trip(tmp_path: Path) -> None:
    prompt, store = AnalysisPrompt("torch-inductor"), RequirementStore(tmp_path / "db.sqlite")
    requirement = analyze([PERMUTE], Model(), "m", prompt, store)[0].requirement
    hashed = dataclasses.replace(requirement, optimization="binary_folding.folded_op#1e7d602f")
    write_shipped(requirement, "2.13.0", tmp_path / "shipped")
    write_shipped(hashed, "2.13.0", tmp_path / "shipped")
    shipped = read_shipped(tmp_path / "shipped")
    assert shipped[PERMUTE.id] == requirement and shipped[hashed.optimization] == hashed


def test_clean_answer_drops_chatter_but_keeps_a_plain_answer() -> None:
    assert clean_answer("Sure.\n- a\n- b") == "- a\n- b"
    assert clean_answer("A program with two permutes.") == "A program with two permutes."


def test_an_echo_of_another_optimizations_worked_example_is_asked_again_then_rejected(tmp_path: Path) -> None:
    prompt, store = AnalysisPrompt("torch-inductor"), RequirementStore(tmp_path / "fuzzfox.sqlite")
    permute_example = prompt.examples[0][1]  # the worked example written for the permute pair
    view = dataclasses.replace(
        PERMUTE, id="joint_graph.pointless_view", source="def pointless_view(...): ..."
    )
    echo = permute_example.replace("permute", "view")
    asked: list[list[dict[str, str]]] = []

    def answers(*texts: str):  # type: ignore[no-untyped-def]
        replies = iter(texts)

        def complete(messages):  # type: ignore[no-untyped-def]
            asked.append(messages)
            return next(replies)

        return complete

    (redone,) = analyze([view], answers(echo, "- two views that cancel"), "m", prompt, store)
    assert not redone.echo and redone.requirement.text == "- two views that cancel"
    assert (
        asked[-1][-2] == {"role": "assistant", "content": echo}
        and "`joint_graph.pointless_view`" in asked[-1][-1]["content"]
    )
    assert store.get(view, "m", prompt.version) == redone.requirement

    other = dataclasses.replace(view, id="joint_graph.pointless_view_pair")
    (rejected,) = analyze([other], answers(echo, echo), "m", prompt, store)
    assert rejected.echo and store.get(other, "m", prompt.version) is None
    # The worked example's own optimization may be described as its example describes it.
    (own,) = analyze([PERMUTE], answers(permute_example), "m", prompt, store)
    assert not own.echo and len(asked) == 5


def test_no_shipped_requirement_echoes_another_optimizations_worked_example() -> None:
    prompt = AnalysisPrompt("torch-inductor")
    shipped = read_shipped(
        Path(__file__).resolve().parent.parent / "prompts" / "torch-inductor" / "requirements"
    )
    assert shipped and [i for i, r in shipped.items() if prompt.echoes(i, r.text)] == []
