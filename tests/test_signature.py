"""Bug signatures and the grouping rule, on hand-made verdicts (pure functions, no framework)."""

from __future__ import annotations

import dataclasses

from fuzzfox.triage.signature import (
    Signature,
    framework_frames,
    message_similarity,
    normalize_message,
    program_ops,
    reproduces,
    same_bug,
    signature_of,
)
from oracles.verdict import ExceptionInfo, Outcome, Stage, Symptom, Verdict

FRAMES = [
    "fuzzfox/targets/torch_inductor.py:88 in run_program",
    "oracles/torch_compiled.py:172 in _run_compiled",
    "torch/_dynamo/eval_frame.py:655 in _fn",
    "<program>:9 in forward",
    "torch/_inductor/graph.py:1010 in run_node",
    "torch/_inductor/lowering.py:412 in wrapped",
    "torch/_inductor/ir.py:2031 in create",
]


def crash(message: str, frames: list[str] = FRAMES, backend: str = "inductor") -> Verdict:
    return Verdict(
        Outcome.BUG,
        "crash",
        symptom=Symptom.CRASH,
        stage=Stage.COMPILATION,
        backend=backend,
        exception=ExceptionInfo("AssertionError", message, frames),
    )


def wrong_value(triggers: list[str], backend: str = "inductor") -> Verdict:
    return Verdict(
        Outcome.BUG,
        "wrong",
        symptom=Symptom.WRONG_VALUE,
        stage=Stage.VERIFICATION,
        backend=backend,
        triggers=triggers,
    )


SIGMOID_PROGRAM = """\
# target: torch-inductor
import torch
import torch.nn.functional as F
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(4, 4)

    def forward(self, x):
        y = F.relu(self.linear(x)).permute(1, 0)
        return torch.sigmoid(y) + len(x.shape) + (y * 2).sum()


def make_inputs():
    return (torch.randn(3, 4),)
"""


def test_messages_that_differ_only_in_run_details_normalize_equal() -> None:
    first = (
        "Expected size [2, 3] but got torch.Size([4, 5]) for buf12 (tmp3) at 0x7f3a2c001e40 "
        "in /tmp/torchinductor_ann/ab/cabcdefghijklmnopqrstuvwxyz012345.py, value 1.5e-03\n\n"
        "Set TORCHDYNAMO_VERBOSE=1 for more"
    )
    second = (
        "Expected size (7,8) but got torch.Size([1]) for buf3 (tmp11) at 0xdeadbeef "
        "in /tmp/torchinductor_bob/zz/c0123456789abcdefghijklmnop.py, value 42"
    )
    normalized = normalize_message(first)
    assert normalized == normalize_message(second)
    assert (
        normalized
        == "Expected size <shape> but got <shape> for <name> (<name>) at <hex> in <path>, value <n>"
    )
    # a dtype name is information, not noise; and a different complaint stays different
    assert "float32" in normalize_message("expected float32 for x0 but got float16")
    assert normalize_message("index out of range for buf2") != normalize_message("division by zero in buf2")


def test_frames_inside_the_framework_only_top_three_without_line_numbers() -> None:
    assert framework_frames(FRAMES) == (
        "torch/_inductor/graph.py in run_node",
        "torch/_inductor/lowering.py in wrapped",
        "torch/_inductor/ir.py in create",
    )
    assert framework_frames(["fuzzfox/x.py:1 in f", "<program>:3 in forward"]) == ()


def test_program_ops_resolve_aliases_and_skip_inputs_builtins_and_submodule_calls() -> None:
    assert program_ops(SIGMOID_PROGRAM) == (
        ".permute",
        ".sum",
        "torch.nn.Linear",
        "torch.nn.functional.relu",
        "torch.sigmoid",
    )


def test_signature_of_crash_signal_and_wrong_value() -> None:
    signature = signature_of(crash("bad shape [2, 3] in buf4"))
    assert (signature.symptom, signature.stage, signature.exception_type, signature.backend) == (
        "crash",
        "compilation",
        "AssertionError",
        "inductor",
    )
    assert signature.message == "bad shape <shape> in <name>"
    assert len(signature.frames) == 3 and signature.ops == () and signature.optimizations == ()

    died = Verdict(
        Outcome.BUG, "died", symptom=Symptom.CRASH, stage=Stage.COMPILATION, backend="b", signal=11
    )
    assert signature_of(died).exception_type == "SIGSEGV"
    assert signature_of(died).title() == "crash at compilation in b: SIGSEGV"

    silent = signature_of(wrong_value(["p2", "p1", "p1"]), SIGMOID_PROGRAM)
    assert silent.optimizations == ("p1", "p2")
    assert "torch.sigmoid" in silent.ops and silent.exception_type == ""
    assert silent.key() == signature_of(wrong_value(["p1", "p2"]), SIGMOID_PROGRAM).key()
    assert Signature.from_dict(silent.to_dict()) == silent


def test_crashes_group_by_type_frames_backend_and_similar_message() -> None:
    base = signature_of(crash("Cannot lower aten.foo with layout FixedLayout size [2, 3] stride [3, 1]"))
    same_but_sizes = signature_of(crash("Cannot lower aten.foo with layout FixedLayout size [8] stride [1]"))
    near = signature_of(crash("Cannot lower aten.foo with layout FixedLayout size [8] stride [1] (again)"))
    assert same_bug(base, same_but_sizes)
    assert message_similarity(base.message, near.message) >= 0.8 and same_bug(base, near)

    other_message = signature_of(crash("division by zero in reduction"))
    other_frames = signature_of(
        crash(base.message, frames=[*FRAMES[:-1], "torch/_inductor/ir.py:9 in other"])
    )
    other_backend = signature_of(crash(base.message, backend="aot_eager"))
    other_type = dataclasses.replace(base, exception_type="RuntimeError")
    for different in (other_message, other_frames, other_backend, other_type):
        assert not same_bug(base, different)
        assert not reproduces(different, base)


def test_wrong_values_group_when_one_op_set_contains_the_other() -> None:
    unknown = Signature("wrong_value", "verification", "", "", (), (), (), "faulty_sigmoid")
    core = dataclasses.replace(unknown, ops=("torch.sigmoid",), optimizations=("p1",))
    bigger = dataclasses.replace(unknown, ops=("torch.sigmoid", "torch.tanh"), optimizations=("p1", "p2"))
    disjoint_ops = dataclasses.replace(unknown, ops=("torch.tanh",), optimizations=("p1",))
    disjoint_opts = dataclasses.replace(bigger, optimizations=("p3",))
    assert same_bug(core, bigger) and same_bug(bigger, core)
    assert same_bug(unknown, bigger)  # not minimized yet: symptom, stage and backend decide
    method_form = dataclasses.replace(bigger, ops=(".sigmoid", ".tanh"))
    assert same_bug(core, method_form)  # x.sigmoid() is torch.sigmoid
    assert not same_bug(core, disjoint_ops)
    assert not same_bug(core, disjoint_opts)
    assert not same_bug(core, dataclasses.replace(bigger, backend="inductor"))
    assert not same_bug(core, dataclasses.replace(bigger, symptom="wrong_shape"))
    # a smaller variant shows the bug as long as symptom, stage and backend hold
    assert reproduces(disjoint_ops, core)
    assert not reproduces(dataclasses.replace(core, backend="inductor"), core)
