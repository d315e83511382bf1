"""Bug signatures and the grouping rule, on hand-made verdicts (pure functions, no framework)."""

from __future__ import annotations

import dataclasses

import numpy as np

from fuzzfox.triage.signature import (
    AUTODIFF_SITE,
    Signature,
    bug_site,
    framework_frames,
    message_similarity,
    normalize_message,
    program_ops,
    reproduces,
    same_bug,
    signature_of,
)
from oracles.gradcheck import GradOptions, check_gradients
from oracles.verdict import ExceptionInfo, Outcome, Stage, Symptom, Verdict
from tests.oracles.test_gradcheck import POINT, Elementwise, sin_square_1, sin_square_2

FRAMES = [
    "fuzzfox/targets/torch/target.py:88 in run_program",
    "oracles/torch/compiled.py:172 in _run_compiled",
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
    # the trigger probe's wrapper inside Inductor's stack is ours, not the framework's
    probed = [*FRAMES[:-1], "/work/fuzzfox/targets/torch/tables.py:131 in recorded", FRAMES[-1]]
    assert framework_frames(probed) == framework_frames(FRAMES)


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


def test_a_changed_input_is_another_bug_than_a_wrong_output_after_the_same_optimizations() -> None:
    output = wrong_value(["p1"])
    changed_input = dataclasses.replace(wrong_value(["p1"]), leaf="input[1]")
    written_out, written_in = (
        signature_of(output, SIGMOID_PROGRAM),
        signature_of(changed_input, SIGMOID_PROGRAM),
    )
    assert (written_out.leaf, written_in.leaf) == ("output", "input")
    assert not same_bug(written_out, written_in) and not reproduces(written_in, written_out)
    assert same_bug(
        written_in, signature_of(dataclasses.replace(changed_input, leaf="input[0]"), SIGMOID_PROGRAM)
    )
    assert "an input changed" in written_in.title()
    stored = {k: v for k, v in written_out.to_dict().items() if k != "leaf"}  # stored before the field
    assert Signature.from_dict(stored) == written_out


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
    overloads = dataclasses.replace(bigger, ops=("torch.ops.aten.sigmoid.default", "torch.ops.aten.tanh"))
    assert same_bug(core, overloads)  # so is the ATen overload
    avg_pool = dataclasses.replace(core, ops=("torch.ops.aten.avg_pool2d.default",))
    other_calls = dataclasses.replace(core, ops=("torch.ops.aten.le.Tensor", "torch.ops.aten.erfinv.default"))
    assert not same_bug(avg_pool, other_calls)  # two OpInfo calls' bugs: the overload is not the op
    assert not same_bug(core, disjoint_ops)
    assert not same_bug(core, disjoint_opts)
    assert not same_bug(core, dataclasses.replace(bigger, backend="inductor"))
    assert not same_bug(core, dataclasses.replace(bigger, symptom="wrong_shape"))
    # a smaller variant shows the bug as long as symptom, stage and backend hold
    assert reproduces(disjoint_ops, core)
    assert not reproduces(dataclasses.replace(core, backend="inductor"), core)


def test_variants_of_one_rule_and_the_per_op_table_entries_do_not_split_a_wrong_value() -> None:
    # the quantized linear + add fusion overwriting its input, reached through two registered
    # variants of the rule (float32 and bf16 output), one program also casting
    unknown = Signature("wrong_value", "verification", "", "", (), (), (), "inductor", leaf="input")
    fp32 = dataclasses.replace(
        unknown,
        ops=("torch.nn.functional.linear", "torch.ops.aten.add.Tensor"),
        optimizations=("quantization.qlinear_post_op_fusion#0ddb1d7b", "lowering.aten.add"),
    )
    bf16 = dataclasses.replace(
        unknown,
        ops=("torch.nn.functional.linear", "torch.ops.aten.add.Tensor", ".to"),
        optimizations=(
            "quantization.qlinear_post_op_fusion#7227cea5",
            "lowering.aten.add",
            "lowering.prims.convert_element_type",
        ),
    )
    assert same_bug(fp32, bf16) and same_bug(bf16, fp32)
    other_rule = dataclasses.replace(bf16, optimizations=("quantization.qconv_post_op_fusion#1",))
    assert not same_bug(fp32, other_rule)


# -- one bug, one cluster: a lowering crash reached with dim=-1 and with dim=-2 ------------------

# The innermost frames of a failed Inductor lowering; the second spelling is the same code in a
# patched copy of torch (bench/faults puts one first on PYTHONPATH), which must count as torch.
LOWERING_FRAMES = [
    "oracles/torch/compiled.py:172 in _run_compiled",
    "torch/_inductor/graph.py:1518 in call_function",
    "torch/_inductor/graph.py:1495 in call_function",
    "torch/_inductor/lowering.py:521 in wrapped",
    "torch/_inductor/lowering.py:7290 in sum_",
]
SHADOW = "/tmp/faults/torch-lowering-sum/shadow/"
SHADOW_FRAMES = [frame if frame.startswith("oracles/") else SHADOW + frame for frame in LOWERING_FRAMES]

# Operator dumps as torch 2.13 printed them for ``(x + 1).sum(dim=-1)`` and for
# ``torch.tanh(x).sum(dim=-2, keepdim=True) * 2`` (the IR of the producer, the program's own line).
SUM_OF_ADD = """\
  target: aten.sum.dim_IntList
  args[0]: TensorBox(StorageBox(
    Pointwise(
      'cpu',
      torch.float32,
      def inner_fn(index):
          i0, i1 = index
          tmp0 = ops.load(arg0_1, i1 + 8 * i0)
          tmp1 = ops.constant(1, torch.float32)
          tmp2 = tmp0 + tmp1
          return tmp2
      ,
      ranges=[4, 8],
      origin_node=add,
      origins=OrderedSet([add]),
      stack_traces = {,
        File "/tmp/programs/a.py", line 20, in forward,
          return (x + 1).sum(dim=-1),
                 ^^^^^^^^^^^^^^^^^^^^,
      ,
      }
    )
  ))
  args[1]: [-1]"""
SUM_OF_TANH = """\
  target: aten.sum.dim_IntList
  args[0]: TensorBox(StorageBox(
    Pointwise(
      'cpu',
      torch.float32,
      def inner_fn(index):
          i0, i1 = index
          tmp0 = ops.load(arg0_1, i1 + 8 * i0)
          tmp1 = ops.tanh(tmp0)
          return tmp1
      ,
      ranges=[4, 8],
      origin_node=tanh,
      origins=OrderedSet([tanh]),
      stack_traces = {,
        File "/tmp/programs/b.py", line 21, in forward,
          return torch.tanh(x).sum(dim=-2, keepdim=True) * 2,
                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^,
      ,
      }
    )
  ))
  args[1]: [-2]
  args[2]: True"""


def lowering_crash(inner: str, operator: str, frames: list[str] = LOWERING_FRAMES) -> Verdict:
    """The verdict of an Inductor lowering that raised, its message worded as torch 2.13 words it:
    LoweringException repeats its message and operator dump, then quotes the program
    (torch/_inductor/exc.py), and InductorError prefixes the type."""
    message = f"{inner}\n{operator}"
    message += f'{message}\nFound from : \n   File "/tmp/programs/p.py", line 9, in forward\n    return y\n'
    message = f"LoweringException: {message}\n\n\nSet TORCHDYNAMO_VERBOSE=1 for the internal stack trace"
    return Verdict(
        Outcome.BUG,
        "inductor: crash at compilation",
        symptom=Symptom.CRASH,
        stage=Stage.COMPILATION,
        backend="inductor",
        exception=ExceptionInfo("InductorError", message, frames),
    )


def test_a_lowering_crash_reached_with_dim_minus_one_and_minus_two_is_one_bug() -> None:
    minus_one = signature_of(lowering_crash("AssertionError: reduction over negative dims [-1]", SUM_OF_ADD))
    minus_two = signature_of(
        lowering_crash("AssertionError: reduction over negative dims [-2]", SUM_OF_TANH, SHADOW_FRAMES)
    )
    # the operator dump (the producer's IR, the program's line) and the trailer are not the bug
    expected = (
        "LoweringException: AssertionError: reduction over negative dims <shape> target: aten.sum.dim_IntList"
    )
    assert minus_one.message == minus_two.message == expected
    assert (
        minus_one.frames
        == minus_two.frames
        == (
            "torch/_inductor/graph.py in call_function",
            "torch/_inductor/lowering.py in wrapped",
            "torch/_inductor/lowering.py in sum_",
        )
    )
    assert same_bug(minus_one, minus_two) and reproduces(minus_two, minus_one)

    # genuinely different crashes stay apart: another complaint, another op's lowering, another
    # exception type, another raise site
    other_words = signature_of(lowering_crash("AssertionError: negative padding [-1, 2]", SUM_OF_ADD))
    other_op = signature_of(
        lowering_crash(
            "AssertionError: reduction over negative dims [-1]",
            SUM_OF_ADD.replace("aten.sum.dim_IntList", "aten.amax.default"),
        )
    )
    other_type = signature_of(lowering_crash("IndexError: reduction over negative dims [-1]", SUM_OF_ADD))
    other_frames = signature_of(
        lowering_crash(
            "AssertionError: reduction over negative dims [-1]",
            SUM_OF_TANH,
            [*LOWERING_FRAMES[:-1], "torch/_inductor/lowering.py:5287 in constant_pad_nd"],
        )
    )
    other_exception = dataclasses.replace(minus_one, exception_type="BackendCompilerFailed")
    for different in (other_words, other_op, other_type, other_frames, other_exception):
        assert not same_bug(minus_one, different), different.message
        assert not same_bug(minus_two, different), different.message


def test_trailers_that_quote_the_program_are_cut_and_the_message_is_cut_after_normalizing() -> None:
    failed_node = (
        "backend='inductor' raised:\nRuntimeError: The size of tensor a (6) must match the size of "
        "tensor b (4) at non-singleton dimension 0\nWhile executing %div_tensor_1 : [num_users=1] = "
        "call_function[target=torch.ops.aten.div.Tensor](args = (%arg1_1, %expand_default_1), kwargs = {})"
    )
    assert normalize_message(failed_node) == (
        "backend='inductor' raised: RuntimeError: The size of tensor a <shape> must match the size of "
        "tensor b <shape> at non-singleton dimension <n>"
    )
    # a longer number must not move the cut (MESSAGE_CHARS) through the words after it
    short, longer = (
        "x" * 470 + f" {number} end of the message that names the bug" for number in (1, -12345678)
    )
    assert (
        normalize_message(short)
        == normalize_message(longer)
        == ("x" * 470 + " <n> end of the message that names the bug")[:500]
    )


# -- one wrong derivative rule, one cluster: whichever autodiff comparison saw it ------------------

PRODUCT_PROGRAM = """\
# target: torch-inductor
import torch


def fn(x, y):
    return torch.sin(x) * x * x + torch.sin(y) * y * y


def make_inputs():
    return (torch.randn(3), torch.randn(2, 2))
"""


def gradient_verdict(functions: Elementwise) -> Verdict:
    """A verdict of the real gradient oracle core (oracles/gradcheck.py) on derivative code."""
    verdict = check_gradients(functions, POINT, GradOptions())  # type: ignore[arg-type]
    assert verdict.outcome is Outcome.BUG and verdict.symptom is Symptom.WRONG_GRADIENT, verdict.explain()
    return verdict


def test_a_wrong_derivative_rule_seen_by_reverse_forward_or_second_order_is_one_bug() -> None:
    half_product_rule = gradient_verdict(Elementwise(reverse_derivative=lambda x: np.cos(x) * x**2))
    forward_off = gradient_verdict(Elementwise(forward_derivative=lambda x: 1.01 * sin_square_1(x)))
    second_off = gradient_verdict(Elementwise(second_derivative=lambda x: 1.5 * sin_square_2(x)))
    compiled_off = gradient_verdict(Elementwise(compiled_derivative=lambda x: 1.5 * sin_square_1(x)))
    comparisons = [v.backend for v in (half_product_rule, forward_off, second_off, compiled_off)]
    assert comparisons == [
        "reverse-vs-numeric",
        "forward-vs-numeric",
        "reverse-over-reverse-vs-numeric",
        "compiled-reverse",
    ]
    reverse, forward, second, compiled = (
        signature_of(v, PRODUCT_PROGRAM) for v in (half_product_rule, forward_off, second_off, compiled_off)
    )
    assert reverse.site() == forward.site() == second.site() == AUTODIFF_SITE
    assert same_bug(reverse, forward) and same_bug(forward, second) and same_bug(second, reverse)
    assert reproduces(forward, reverse)  # minimizing may make another mode fail first
    assert reverse.backend == "reverse-vs-numeric"  # the comparison itself is still recorded
    # a wrong compiled backward graph is a compiler bug, not a derivative rule
    assert compiled.site() == "compiled-reverse"
    for eager in (reverse, forward, second):
        assert not same_bug(eager, compiled) and not reproduces(compiled, eager)
    # once minimized, different ops are different rules whichever mode saw them
    sin_rule = dataclasses.replace(reverse, ops=("torch.sin",))
    tanh_rule = dataclasses.replace(forward, ops=("torch.tanh",))
    assert not same_bug(sin_rule, tanh_rule)
    assert same_bug(sin_rule, dataclasses.replace(forward, ops=(".sin", ".mul")))


def test_sites_of_backends_and_comparisons() -> None:
    for comparison in (
        "reverse-vs-forward",
        "forward-over-reverse-vs-numeric",
        "reverse-over-reverse-vs-forward-over-reverse",
        "forward-over-reverse",  # a crash in that eager mode
    ):
        assert bug_site(comparison) == AUTODIFF_SITE
    for backend in ("compiled-reverse", "inductor", "aot_eager", "xla", "faulty_sigmoid", ""):
        assert bug_site(backend) == backend
