"""The generation prompt and the parser of generation answers, on answers written the way a small
code model (Qwen2.5-Coder-1.5B) really answers: chatter, fences, usage code, two programs, cut off."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzzfox.generation.answers import (
    COPY,
    NO_CODE,
    Candidate,
    parse_answer,
    reason_category,
    validity_reason_counts,
)
from fuzzfox.generation.prompt import (
    FAILURES_INTRO,
    MAX_EXAMPLE_CHARS,
    SOURCE_INTRO,
    SOURCE_TRUNCATION_MARK,
    TRUNCATION_MARK,
    GenerationPrompt,
    strip_header,
    truncate_example,
)
from fuzzfox.program import parse_header, parse_program
from tests.conftest import CORPUS, ROOT, requires_torch

ORIGIN = "llm:qwen2.5-coder-1.5b"

# --- answers, as a 1.5B code model writes them ------------------------------------------------

USAGE_AND_EXPLANATION = """Here is a PyTorch program that triggers the `pointless_permute_pair` optimization:

```python
import torch
import torch.nn as nn

class Model(nn.Module):
    def __init__(self):
        super(Model, self).__init__()
        self.linear = nn.Linear(16, 32)

    def forward(self, x):
        y = self.linear(x)
        y = y.permute(0, 2, 1).permute(0, 2, 1)
        return torch.tanh(y)

def make_inputs():
    return (torch.randn(3, 5, 16),)

model = Model()
inputs = make_inputs()
output = model(*inputs)
print(output.shape)
```

In this program, the two `permute` calls cancel each other out, so Inductor removes them. The
input has shape (3, 5, 16) so it matches the `in_features` of the linear layer.
"""

TWO_FENCED_PROGRAMS = """Sure! Here are two programs that reach the optimization.

Program 1:
```python
import torch
import torch.nn as nn

class Model(nn.Module):
    def forward(self, x):
        return x.transpose(1, 2).transpose(1, 2) * 2.0

def make_inputs():
    return (torch.randn(2, 7, 3, dtype=torch.float64),)
```

Program 2:
```python
import torch
import torch.nn as nn

class Model(nn.Module):
    def forward(self, x, y):
        return (x.permute(2, 0, 1).permute(1, 2, 0) + y).relu()

def make_inputs():
    return (torch.randn(4, 1, 6), torch.randn(6))
```
Both programs use permutations that compose to the identity.
"""

TWO_MODELS_IN_ONE_BLOCK = """```python
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = 1.0 / math.sqrt(8)

    def forward(self, q, k, v):
        attn = torch.matmul(q, k.transpose(-2, -1)) * self.scale
        return torch.matmul(F.softmax(attn, dim=-1), v)

def make_inputs():
    return (torch.randn(1, 2, 5, 8), torch.randn(1, 2, 5, 8), torch.randn(1, 2, 5, 8))

# Another variation with a different head size
class Model(nn.Module):
    def forward(self, q, k, v):
        attn = q @ k.transpose(-1, -2) / math.sqrt(q.size(-1))
        return attn.softmax(dim=-1) @ v

def make_inputs():
    return (torch.randn(3, 4, 6), torch.randn(3, 4, 6), torch.randn(3, 4, 6))
```"""

INPUTS_IN_A_SECOND_BLOCK = """First, the model:

```python
class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 8, kernel_size=(1, 3), padding=(0, 1))

    def forward(self, x):
        return F.hardswish(self.conv(x))
```

Then the inputs, with 4 channels to match the convolution:

```python
def make_inputs():
    return (torch.randn(1, 4, 6, 9),)
```
"""

CUT_OFF_AFTER_THE_PROGRAM = """```python
import torch
import torch.nn as nn

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(12, 12)

    def forward(self, x):
        return torch.cat([self.fc(x), x], dim=-1).sigmoid()

def make_inputs():
    return (torch.randn(5, 12),)

if __name__ == "__main__":
    model = Model()
    out = model(*make_inp"""

CUT_OFF_IN_MAKE_INPUTS = """Here's the program:

```python
import torch
import torch.nn as nn

class Model(nn.Module):
    def forward(self, x):
        return torch.cumsum(x, dim=-1) * 0.5

def make_inputs():
    x = torch.randn(3, 1000"""

CONSTRUCTOR_ARGUMENTS = """```python
import torch
import torch.nn as nn

class Model(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 3)
        self.bn = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        return self.bn(self.conv(x))

def make_inputs():
    return (torch.randn(2, 3, 16, 16),)
```"""

CONSTRUCTOR_ARGUMENTS_BUILT_WITH_LITERALS = """Here is the code:

```python
import torch
import torch.nn as nn

class ConvBlock(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size=5):
        super(ConvBlock, self).__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, padding=2)

    def forward(self, x):
        return torch.relu(self.conv(x))

def make_inputs():
    return (torch.randn(2, 3, 11, 11),)

# Create the model and run it
model = ConvBlock(3, out_channels=6)
compiled = torch.compile(model)
print(compiled(*make_inputs()))
```
"""

NO_IMPORTS_NO_FENCE = """Sure! Here is the code:

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.drop = nn.Dropout(p=0.0)

    def forward(self, x, mask):
        return F.softmax(x.masked_fill(mask, -1e4), dim=1)

def make_inputs():
    x = torch.randn(2, 9)
    mask = torch.rand(2, 9) > 0.7
    return (x, mask)

This model fills the masked positions before the softmax.
"""

SYNTAX_ERROR = """```python
import torch
import torch.nn as nn

class Model(nn.Module):
    def forward(self, x)
        return x.glu(dim=-1)

def make_inputs():
    return (torch.randn(4, 6),)
```"""

SELF_IN_MAKE_INPUTS = """```python
import torch
import torch.nn as nn

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = 10
        self.linear = nn.Linear(10, 4)

    def forward(self, x):
        return self.linear(x).relu()

def make_inputs():
    return (torch.randn(3, self.features),)
```"""

TRAINING_WITH_BACKWARD = """```python
import torch
import torch.nn as nn

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm1d(6)

    def forward(self, x):
        return self.bn(x).sum(dim=1)

def make_inputs():
    return (torch.randn(8, 6, requires_grad=True),)

model = Model()
loss = model(*make_inputs()).sum()
loss.backward()
```"""

OWN_HEADER_SAYS_TRAINING = """```python
# target: torch-inductor
# optimization: something_else
# mode: training
import torch

def fn(a, b):
    return torch.lerp(a, b, 0.25)

def make_inputs():
    return (torch.randn(7), torch.randn(7))
```"""

CONSTANTS_AND_SETUP = """```python
import torch
import torch.nn as nn

torch.manual_seed(0)
BATCH = 3
DTYPE = torch.float64
WEIGHT = torch.randn(5, 5, dtype=DTYPE)
UNUSED = torch.zeros(1)
torch._inductor.config.freezing = True

class Model(nn.Module):
    def forward(self, x):
        return torch.addmm(x, x, WEIGHT)

def make_inputs():
    return (torch.randn(BATCH, 5, dtype=DTYPE),)
```"""

WRONG_INPUT_COUNT = """```python
import torch
import torch.nn as nn

class Model(nn.Module):
    def forward(self, x, y):
        return torch.cat([x, y], dim=0)

def make_inputs():
    return (torch.randn(2, 3),)
```"""

NO_SUPER_INIT = """```python
import torch.nn as nn

class Model(nn.Module):
    def __init__(self):
        self.linear = nn.Linear(3, 3)

    def forward(self, x):
        return self.linear(x)

def make_inputs():
    return (torch.randn(2, 3),)
```"""

WITH_A_SHELL_BLOCK = """You need PyTorch 2.x:

```bash
pip install torch
```

```python
import torch

def fn(x):
    return torch.logsumexp(x, dim=-2, keepdim=True)

def make_inputs():
    return (torch.randn(4, 3, 2),)
```
"""

# Verbatim answers of Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, temperature 0.8) to this prompt.
REAL_CUMSUM = """```python
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        x = x.transpose(1, 0)
        y = torch.cumsum(x, dim=1, keepdim=True) * 0.1 + torch.cumsum(x, dim=0, keepdim=True)
        return y.argmax(dim=1), y.argmax(dim=0, keepdim=True)


def make_inputs():
    return (torch.randn(16, 40).transpose(1, 0),)
```

This program reaches `cumsum_lowering` by transposing the input tensor before applying the \
`cumsum` operation."""

REAL_BATCHNORM = """```python
import torch

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 6, kernel_size=3, padding=1)
        self.bn = torch.nn.BatchNorm2d(6)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))

def make_inputs():
    return (torch.randn(4, 3, 8, 8), torch.randn(4, 6, 8, 8))
```"""

REAL_ATTENTION = """```python
import math

import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear1 = torch.nn.Linear(16, 32)
        self.linear2 = torch.nn.Linear(32, 64)

    def forward(self, q, k, v):
        scores = torch.matmul(self.linear1(q), self.linear2(k.transpose(-2, -1)).div(math.sqrt(q.size(-1)))
        return scores.softmax(dim=-1).matmul(v)


def make_inputs():
    return (torch.randn(2, 32, 8, 16), torch.randn(2, 32, 8, 16), torch.randn(2, 32, 8, 16))
```"""

NO_CODE_AT_ALL = "I'm sorry, but I cannot write a program for this optimization without more information."


def parse(text: str, **overrides: object) -> list[Candidate]:
    arguments: dict = {
        "target": "torch-inductor",
        "optimization": "joint_graph.pointless_permute_pair",
        "origin": ORIGIN,
        "parents": ["a" * 64],
        **overrides,
    }
    return parse_answer(text, **arguments)


def only_valid(text: str, **overrides: object) -> Candidate:
    candidates = parse(text, **overrides)
    assert len(candidates) == 1, candidates
    candidate = candidates[0]
    assert candidate.reason is None, candidate.reason
    assert candidate.program is not None and candidate.program.source == candidate.source
    parse_program(candidate.source)  # what the campaign stores must parse again as it is
    return candidate


def only_rejected(text: str) -> Candidate:
    candidates = parse(text)
    assert len(candidates) == 1, candidates
    assert candidates[0].program is None and candidates[0].reason
    return candidates[0]


# --- parsing answers --------------------------------------------------------------------------


def test_program_with_usage_code_and_explanation_keeps_only_the_program() -> None:
    candidate = only_valid(USAGE_AND_EXPLANATION)
    source = candidate.source
    assert "print(" not in source and "model = Model()" not in source and "output =" not in source
    assert "cancel each other" not in source and "```" not in source
    assert "y.permute(0, 2, 1).permute(0, 2, 1)" in source
    assert candidate.repairs == ()


def test_header_is_written_first_with_the_given_fields() -> None:
    candidate = only_valid(USAGE_AND_EXPLANATION, parents=["p1", "p2"], config="freezing=True")
    assert source_lines(candidate)[:6] == [
        "# target: torch-inductor",
        "# optimization: joint_graph.pointless_permute_pair",
        f"# origin: {ORIGIN}",
        "# parent: p1,p2",
        "# mode: inference",
        "# config: freezing=True",
    ]
    assert candidate.program is not None and candidate.program.config == {"freezing": True}
    no_parent = only_valid(USAGE_AND_EXPLANATION, parents=[])
    assert parse_header(no_parent.source)["parent"] == "-"
    assert "config" not in parse_header(no_parent.source)


def source_lines(candidate: Candidate) -> list[str]:
    return candidate.source.splitlines()


def test_the_three_standard_imports_are_added_when_missing_and_not_twice() -> None:
    candidate = only_valid(INPUTS_IN_A_SECOND_BLOCK)
    lines = source_lines(candidate)
    for line in ("import torch", "import torch.nn as nn", "import torch.nn.functional as F"):
        assert lines.count(line) == 1, line
    present = only_valid(USAGE_AND_EXPLANATION)
    assert source_lines(present).count("import torch") == 1
    assert source_lines(present).count("import torch.nn as nn") == 1


def test_two_fenced_programs_give_two_candidates() -> None:
    candidates = parse(TWO_FENCED_PROGRAMS)
    assert [c.reason for c in candidates] == [None, None]
    assert "transpose(1, 2)" in candidates[0].source and "permute(2, 0, 1)" in candidates[1].source
    assert "permute(2, 0, 1)" not in candidates[0].source


def test_one_block_defining_model_twice_is_split_and_shares_its_imports() -> None:
    candidates = parse(TWO_MODELS_IN_ONE_BLOCK)
    assert [c.reason for c in candidates] == [None, None]
    first, second = (c.source for c in candidates)
    assert first.count("class Model") == second.count("class Model") == 1
    assert "self.scale" in first and "q.size(-1)" in second
    assert "import math" in second.splitlines()  # the second program uses math too


def test_a_block_with_only_make_inputs_joins_the_model_before_it() -> None:
    candidate = only_valid(INPUTS_IN_A_SECOND_BLOCK)
    assert "nn.Conv2d(4, 8" in candidate.source and "torch.randn(1, 4, 6, 9)" in candidate.source


def test_an_answer_cut_off_after_the_program_keeps_the_program() -> None:
    candidate = only_valid(CUT_OFF_AFTER_THE_PROGRAM)
    assert "__main__" not in candidate.source and "make_inp\n" not in candidate.source
    assert "cut the unfinished last statement" in candidate.repairs


def test_an_answer_cut_off_inside_make_inputs_is_rejected_and_says_so() -> None:
    candidate = only_rejected(CUT_OFF_IN_MAKE_INPUTS)
    line = len(source_lines(candidate))
    assert candidate.reason == f"syntax error at line {line}: '(' was never closed (the answer was cut off)"
    assert candidate.repairs == ()  # the cut did not give a program, so the reason is the original one


def test_constructor_arguments_are_rejected_with_the_parsers_reason() -> None:
    candidate = only_rejected(CONSTRUCTOR_ARGUMENTS)
    assert candidate.reason is not None
    assert candidate.reason.startswith("Model() must take no constructor arguments")
    assert "in_channels, out_channels" in candidate.reason


def test_constructor_arguments_the_answer_built_the_model_with_become_defaults() -> None:
    candidate = only_valid(CONSTRUCTOR_ARGUMENTS_BUILT_WITH_LITERALS)
    assert "def __init__(self, in_channels=3, out_channels=6, kernel_size=5):" in candidate.source
    assert "class Model(nn.Module)" in candidate.source and "ConvBlock" not in candidate.source
    assert "torch.compile" not in candidate.source and "print(" not in candidate.source
    assert len(candidate.repairs) == 2


def test_unfenced_code_without_imports_drops_the_chatter() -> None:
    candidate = only_valid(NO_IMPORTS_NO_FENCE)
    assert "Sure!" not in candidate.source and "This model fills" not in candidate.source
    assert "import torch.nn.functional as F" in candidate.source


def test_syntax_error_is_rejected_with_its_line() -> None:
    candidate = only_rejected(SYNTAX_ERROR)
    line = next(i for i, text in enumerate(source_lines(candidate), 1) if "def forward(self, x)" in text)
    assert candidate.reason == f"syntax error at line {line}: expected ':'"


def test_self_inside_make_inputs_is_rejected() -> None:
    assert only_rejected(SELF_IN_MAKE_INPUTS).reason == (
        "make_inputs() uses self, but it is a plain function, not a method"
    )


def test_input_count_that_does_not_match_forward_is_rejected() -> None:
    assert only_rejected(WRONG_INPUT_COUNT).reason == "make_inputs() returns 1 inputs but forward() takes 2"


def test_init_without_super_init_is_rejected() -> None:
    assert only_rejected(NO_SUPER_INIT).reason == "Model.__init__() does not call super().__init__()"


def test_backward_in_the_answer_makes_a_training_program_without_the_backward_call() -> None:
    candidate = only_valid(TRAINING_WITH_BACKWARD)
    assert candidate.program is not None and candidate.program.mode == "training"
    assert "backward" not in candidate.source


def test_the_answers_own_header_gives_its_mode_but_not_the_other_fields() -> None:
    candidate = only_valid(OWN_HEADER_SAYS_TRAINING)
    assert candidate.program is not None
    assert candidate.program.mode == "training"
    assert candidate.program.optimization == "joint_graph.pointless_permute_pair"
    assert "something_else" not in candidate.source


def test_inference_stays_inference_and_an_unknown_mode_is_refused() -> None:
    assert only_valid(TWO_MODELS_IN_ONE_BLOCK.split("# Another")[0] + "```").program.mode == "inference"  # type: ignore[union-attr]
    assert only_valid(USAGE_AND_EXPLANATION, mode="training").program.mode == "training"  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="mode must be one of"):
        parse(USAGE_AND_EXPLANATION, mode="eval")


def test_constants_the_program_reads_are_kept_and_setup_code_is_dropped() -> None:
    source = only_valid(CONSTANTS_AND_SETUP).source
    for kept in ("BATCH = 3", "DTYPE = torch.float64", "WEIGHT = torch.randn(5, 5, dtype=DTYPE)"):
        assert kept in source
    for dropped in ("manual_seed", "UNUSED", "config.freezing"):
        assert dropped not in source


def test_fences_indented_in_a_list_tagged_Python_or_only_closing_are_read() -> None:
    program = "def fn(x):\n    return x.cumsum(-1)\n\ndef make_inputs():\n    return (torch.randn(3, 4),)"
    indented = "1. Write the function:\n\n   ```Python\n" + textwrap.indent(program, "   ") + "\n   ```\n"
    assert "def fn(x):" in only_valid(indented).source
    only_closing = f"Here you go:\n{program}\n```\nThe cumsum is lowered by Inductor."
    source = only_valid(only_closing).source
    assert "Here you go" not in source and "lowered" not in source


def test_model_and_fn_in_one_block_are_one_program() -> None:
    answer = (
        "```python\nclass Model(nn.Module):\n    def forward(self, x):\n        return x * 2\n\n"
        "def fn(x):\n    return Model()(x)\n\ndef make_inputs():\n    return (torch.randn(2),)\n```"
    )
    assert "def fn(x):" in only_valid(answer).source


def test_nn_imported_from_torch_is_not_imported_again() -> None:
    answer = (
        "```python\nfrom torch import nn\nimport torch\nclass Model(nn.Module):\n    def forward(self, x):\n"
        "        return x.sin()\ndef make_inputs():\n    return (torch.randn(2),)\n```"
    )
    lines = source_lines(only_valid(answer))
    assert "import torch.nn as nn" not in lines and lines.count("import torch") == 1
    assert "import torch.nn.functional as F" in lines


def test_real_small_model_answers() -> None:
    cumsum = only_valid(REAL_CUMSUM, optimization="cumsum_lowering")
    assert "This program reaches" not in cumsum.source  # valid in form; keepdim fails only when run
    batchnorm = only_rejected(REAL_BATCHNORM)
    assert batchnorm.reason == "make_inputs() returns 2 inputs but forward() takes 1"
    assert "import torch.nn as nn" in source_lines(batchnorm)  # it used nn without importing it
    attention = only_rejected(REAL_ATTENTION)
    assert attention.reason is not None and attention.reason.endswith("'(' was never closed")


def test_a_copy_of_a_shown_program_is_rejected_formatting_and_comments_aside() -> None:
    seed = (CORPUS / "glu_lowering.py").read_text()
    code = strip_header(seed).replace("    def forward", "    # the forward pass\n    def forward")
    answer = f"Here is a new program:\n```python\n{code}\n```\nIt uses glu."
    copied = parse(answer, shown=[seed])
    assert [c.reason for c in copied] == [COPY]
    assert reason_category(COPY) == "copy of an example"
    assert only_valid(answer).program is not None  # without shown programs it is a fine program
    varied = answer.replace("torch.randn(4, 6, 8)", "torch.randn(2, 3, 6, 8)")
    assert parse(varied, shown=[seed])[0].reason is None


def test_a_copy_of_the_one_shot_is_rejected() -> None:
    prompt = GenerationPrompt("torch-inductor")
    _, one_shot = prompt.one_shots[0]
    answer = f"```python\nimport torch\nimport torch.nn as nn\n\n{one_shot}\n```"
    assert parse(answer, shown=prompt.shown_programs([]))[0].reason == COPY
    seeds = seed_sources()
    assert prompt.shown_programs(seeds) == seeds
    assert parse(answer, shown=prompt.shown_programs(seeds))[0].reason is None


def test_a_shell_block_is_ignored() -> None:
    candidate = only_valid(WITH_A_SHELL_BLOCK)
    assert "pip install" not in candidate.source and "def fn(x):" in candidate.source


def test_an_answer_without_code_gives_one_rejected_candidate() -> None:
    assert [c.reason for c in parse(NO_CODE_AT_ALL)] == [NO_CODE]
    assert [c.reason for c in parse("")] == [NO_CODE]
    assert [c.reason for c in parse("```bash\npip install torch\n```")] == [NO_CODE]


def test_the_same_program_twice_is_one_candidate() -> None:
    block = TWO_FENCED_PROGRAMS.split("Program 2:")[0]
    assert len(parse(block + "\nOr, the same again:\n" + block)) == 1


def test_reasons_are_counted_by_category() -> None:
    answers = [
        SYNTAX_ERROR,
        CONSTRUCTOR_ARGUMENTS,
        CUT_OFF_IN_MAKE_INPUTS,
        NO_CODE_AT_ALL,
        SELF_IN_MAKE_INPUTS,
        WRONG_INPUT_COUNT,
        NO_SUPER_INIT,
        USAGE_AND_EXPLANATION,
        TWO_FENCED_PROGRAMS,
        "```python\ndef make_inputs():\n    return ()\n```",
        "```python\nclass Model(nn.Module):\n    def forward(self, x):\n        return x\n```",
        "```python\nclass Model(nn.Module):\n    pass\ndef make_inputs():\n    return ()\n```",
    ]
    candidates = [c for answer in answers for c in parse(answer)]
    assert validity_reason_counts(candidates) == {
        "syntax error": 1,
        "cut off": 1,
        "constructor arguments": 1,
        "no make_inputs": 1,
        "no code": 1,
        "make_inputs uses self": 1,
        "input count": 1,
        "no super().__init__()": 1,
        "no Model/fn": 2,
    }
    assert reason_category("mode must be one of inference, training, not 'x'") == "other"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "```python",
                "```",
                "```bash",
                "Here is the code:",
                "class Model(nn.Module):",
                "class Net(nn.Module):",
                "    def __init__(self, n):",
                "        super().__init__()",
                "    def forward(self, x):",
                "        return x.relu()",
                "def make_inputs():",
                "    return (torch.randn(2, 3),)",
                "def fn(x):",
                "model = Model(3)",
                "print(model(*make_inputs()))",
                "if __name__ == '__main__':",
                "# mode: training",
                "import torch",
                "from torch import nn,",
                "   ```python",
                "    return (torch.randn(2, 3), torch.randn(3))",
                "loss.backward()",
                "",
            ]
        )
        | st.text(max_size=30),
        max_size=25,
    )
)
def test_any_answer_gives_candidates_each_valid_or_with_a_reason(lines: list[str]) -> None:
    candidates = parse("\n".join(lines))
    assert candidates
    for candidate in candidates:
        assert (candidate.program is None) != (candidate.reason is None)
        if candidate.program is not None:
            assert parse_program(candidate.source).metadata["origin"] == ORIGIN


@requires_torch
def test_parsed_programs_really_run() -> None:
    import torch

    answers = [USAGE_AND_EXPLANATION, CONSTRUCTOR_ARGUMENTS_BUILT_WITH_LITERALS, NO_IMPORTS_NO_FENCE]
    programs = [c.program for answer in answers for c in parse(answer)]
    programs += [c.program for c in parse(TWO_MODELS_IN_ONE_BLOCK)]
    assert len(programs) == 5 and all(p is not None for p in programs)
    for program in programs:
        assert program is not None
        namespace: dict = {}
        exec(compile(program.source, "<generated>", "exec"), namespace)
        with torch.no_grad():
            output = namespace["Model"]()(*namespace["make_inputs"]())
        assert isinstance(output, torch.Tensor) and output.numel() > 0


# --- the prompt -------------------------------------------------------------------------------

SEEDS = ["freezing_conv_bn_folding.py", "efficient_conv_bn_eval.py", "batch_linear_fusion.py"]


def seed_sources() -> list[str]:
    return [(CORPUS / name).read_text() for name in SEEDS]


def test_prompt_is_system_then_one_user_message_with_requirement_and_examples() -> None:
    prompt = GenerationPrompt("torch-inductor")
    requirement = "- a Conv2d followed by BatchNorm2d in eval mode\n- freezing=True"
    messages = prompt.messages("freezing_conv_bn_folding", requirement, seed_sources())
    assert [m["role"] for m in messages] == ["system", "user"]
    user = messages[1]["content"]
    assert "`freezing_conv_bn_folding`" in user and requirement in user
    assert user.count("```python\n") == 3 and "Example 3:" in user
    assert "self.bn.running_mean.copy_(torch.randn(8) * 0.1)" in user
    assert "ParameterList" in user  # the third example, whole
    assert "no other argument" in user and "exactly the shape and dtype" in user
    assert "No requirement" not in user
    # the requirement sits between the examples and the instruction, where a small model looks last
    assert user.index("Example 3:") < user.index(requirement) < user.index("Write ONE new program")


def test_earlier_failures_of_the_optimization_are_shown_after_its_requirement() -> None:
    failures = (
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)",
        "syntax error: " + "x" * 400,
        "TypeError: Model.__init__() missing 1 required positional argument",
        "never shown: a fourth",
    )
    prompt = GenerationPrompt("torch-inductor")
    user = prompt.messages("mm_plus_mm", "- two mm added", seed_sources(), failures)[1]["content"]
    assert user.index("- two mm added") < user.index(FAILURES_INTRO) < user.index("Write ONE new program")
    assert failures[0] in user and failures[2] in user and "never shown" not in user
    assert "x" * 400 not in user  # one line each, cut
    assert FAILURES_INTRO not in prompt.messages("mm_plus_mm", "- two mm added", seed_sources())[1]["content"]


def test_the_optimizations_own_code_is_shown_cut_at_a_line_before_its_requirement() -> None:
    prompt = GenerationPrompt("torch-inductor")
    helpers = "\n".join(f"    helper_{i} = match.kwargs['x{i}']" for i in range(200))
    pattern = "def _sfdp_pattern_1(query, key):\n    return query @ key.transpose(-2, -1)\n"
    source = f"{pattern}\n# extra_check:\n{helpers}"
    user = prompt.messages("mm_plus_mm", "- two mm added", seed_sources(), (), source)[1]["content"]
    assert SOURCE_INTRO in user and "return query @ key.transpose(-2, -1)" in user
    assert SOURCE_TRUNCATION_MARK in user and "helper_199" not in user
    assert user.index("Example 3:") < user.index(SOURCE_INTRO) < user.index("- two mm added")
    assert SOURCE_INTRO not in prompt.messages("mm_plus_mm", "- two mm added", seed_sources())[1]["content"]


def test_example_headers_are_stripped() -> None:
    user = GenerationPrompt("torch-inductor").messages("x", None, seed_sources())[1]["content"]
    for key in ("# target:", "# origin:", "# optimization:", "# description:", "# mode:", "# config:"):
        assert key not in user
    assert strip_header((CORPUS / SEEDS[0]).read_text()).startswith("import torch")


def test_without_requirement_a_line_says_so() -> None:
    user = GenerationPrompt("torch-inductor").messages("x", None, seed_sources())[1]["content"]
    assert "No requirement is known" in user and "What a program needs" not in user


ONE_SHOTS = sorted((ROOT / "prompts/torch-inductor/generation/examples").glob("*.md"))


def test_without_examples_the_one_shot_is_used() -> None:
    prompt = GenerationPrompt("torch-inductor")
    user = prompt.messages("decompositions.lerp", None, [])[1]["content"]
    fenced = ONE_SHOTS[0].read_text().split("```python\n")[1].split("```")[0]
    assert "def make_inputs():" in fenced and fenced.strip() in user
    assert "written for another optimization" in user and "Example 1:" not in user
    assert "guess from `decompositions.lerp` what" in user
    assert user.count("```python\n") == len(ONE_SHOTS)
    with_requirement = prompt.messages("decompositions.lerp", "- torch.lerp with a tensor weight", [])
    assert fenced.strip() in with_requirement[1]["content"]


@requires_torch
def test_the_one_shots_are_programs_that_run() -> None:
    import torch

    for caption, code in GenerationPrompt("torch-inductor").one_shots:
        assert caption and "# target:" not in code
        source = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n" + code
        namespace: dict = {}
        exec(compile(parse_program(source).source, "<one-shot>", "exec"), namespace)
        with torch.no_grad():
            namespace["Model"]()(*namespace["make_inputs"]())


def test_version_changes_when_a_prompt_file_changes(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "prompts/torch-inductor/generation", tmp_path / "torch-inductor/generation")
    original = GenerationPrompt("torch-inductor").version
    assert GenerationPrompt("torch-inductor", root=tmp_path).version == original
    for name in ("system.md", "template.md", f"examples/{ONE_SHOTS[0].name}"):
        path = tmp_path / "torch-inductor/generation" / name
        text = path.read_text()
        path.write_text(text + "\nOne more line.\n")
        assert GenerationPrompt("torch-inductor", root=tmp_path).version != original, name
        path.write_text(text)
    (tmp_path / "torch-inductor/generation/examples/02_more.md").write_text(
        "Another:\n```python\nx = 1\n```\n"
    )
    assert GenerationPrompt("torch-inductor", root=tmp_path).version != original


def test_an_unknown_target_is_refused() -> None:
    with pytest.raises(FileNotFoundError, match="no generation prompt"):
        GenerationPrompt("no-such-target")


def test_prompt_with_three_seeds_fits_a_small_models_context() -> None:
    prompt = GenerationPrompt("torch-inductor")
    biggest = sorted(CORPUS.glob("*.py"), key=lambda p: len(p.read_text()))[-3:]
    long_requirement = "- the conv must be followed by a batch norm in eval mode\n" * 60
    long_source = "def pattern(x):\n" + "    x = torch.mm(x, x)\n" * 200
    messages = prompt.messages("x", long_requirement, [p.read_text() for p in biggest], (), long_source)
    size = sum(len(m["content"]) for m in messages)
    assert size < 8_000  # ~2,300 tokens of code and prose, a third of the embedded model's context
    assert sum(len(m["content"]) for m in prompt.messages("x", None, seed_sources())) < 10_000


def test_an_overlong_example_is_cut_at_a_line_and_marked() -> None:
    body = "\n".join(f"    y = y + {i}" for i in range(300))
    long_program = f"# target: torch-inductor\nimport torch\n\ndef fn(y):\n{body}\n    return y\n"
    user = GenerationPrompt("torch-inductor").messages("x", None, [long_program])[1]["content"]
    assert TRUNCATION_MARK in user and "y = y + 299" not in user and "y = y + 5\n" in user
    cut = truncate_example(strip_header(long_program))
    assert len(cut) <= MAX_EXAMPLE_CHARS and cut.endswith(TRUNCATION_MARK)
    assert truncate_example("short") == "short"
