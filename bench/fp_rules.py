"""Before/after for seven false-positive rules of the gradient and JAX oracles.

Runs each program below through ``python -m fuzzfox run FILE --oracle values,grads`` with the
code of a checkout (default: this one) and prints its verdict: outcome, drop rule and summary.
The programs stay this checkout's, so the same files judge the old code and the new::

    git worktree add /tmp/fp-old HEAD
    .venv/bin/python bench/fp_rules.py --checkout /tmp/fp-old   # before
    .venv/bin/python bench/fp_rules.py                          # after

``fp`` marks a false positive (a bug candidate before, ``dropped``/``invalid``/``pass`` after);
``fault`` a real injected fault, which must stay a bug.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "tests" / "programs"
CASES = [
    # rule 1: a one-sided NaN gradient where L(x) or its central-difference points are NaN/Inf
    ("fp", "fp_rules/tf_log1p_out_of_domain.py"),
    ("fault", "faults/tf_custom_gradient_stray_nan.py"),
    # rule 2: a TypeError jax.jit's trace raises from JAX's own API checks is an invalid program
    ("fp", "fp_rules/jax_fori_carry_widens.py"),
    ("fp", "fp_rules/jax_while_loop_grad.py"),
    ("fault", "faults/jax_lowering_type_error.py"),
    # rule 3: a stopped gradient is held fixed (TF) or not compared with central differences (torch)
    ("fp", "fp_rules/tf_stop_gradient_gate.py"),
    ("fp", "fp_rules/torch_detach_gate.py"),
    ("fault", "faults/grad_wrong_backward_detached.py"),
    # rule 4: integer outputs of a bf16/fp16 computation may differ by what rounding to it moves them
    ("fp", "fp_rules/torch_bf16_quantized_conv.py"),
    # rule 5: ill_conditioned for JAX too (rounding noise by a jaxpr interpreter), and where one
    # rounding per op overflows a finite fp64 value
    ("fp", "fp_rules/jax_cholesky_near_overflow.py"),
    ("fp", "fp_rules/torch_saturated_attention.py"),
    # rule 6: a one-sided NaN gradient through an intermediate at a singular point of its op (JAX,
    # TF); its fault side in JAX (sin's JVP 0/0 at zeros, reverse mode right) is an injected rule
    # fault: tests/targets/jax/test_target.py, as a program cannot break one mode of a JAX rule
    # alone; in TF the stray-NaN custom gradient of rule 1 stays a bug
    ("fp", "fp_rules/jax_std_of_where_constant.py"),
    ("fp", "fp_rules/tf_std_of_where_constant.py"),
    # rule 7: autodiff off the central difference alike where an op's operand breaks its documented
    # contract (TF cross-entropy labels that are no distribution); the fault side (a wrong Tanh
    # rule under labels that are distributions stays a bug) is in tests/targets/tf/test_target.py
    ("fp", "fp_rules/tf_xent_labels_not_a_distribution.py"),
]


def judge(checkout: Path, program: Path, campaign: Path) -> dict:
    """The stored verdict of one ``fuzzfox run`` of ``program`` with ``checkout``'s code."""
    command = [sys.executable, "-m", "fuzzfox", "run", str(program), "--oracle", "values,grads"]
    command += ["--jobs", "1", "--input-draws", "0", "--campaign", str(campaign), "--quiet"]
    # The sandbox's workers run elsewhere: PYTHONPATH (which the sandbox passes on, and which comes
    # before the editable install's finder) makes them import the checkout's fuzzfox and oracles too.
    environment = {**os.environ, "PYTHONPATH": str(checkout.resolve())}
    result = subprocess.run(
        command, cwd=checkout, env=environment, capture_output=True, text=True, timeout=900
    )
    with sqlite3.connect(campaign / "fuzzfox.sqlite") as db:
        row = db.execute("SELECT verdict FROM verdicts").fetchone()
    if row is None:
        raise RuntimeError(f"no verdict for {program}: {result.stdout[-1000:]}{result.stderr[-1000:]}")
    return json.loads(row[0])


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--checkout", type=Path, default=ROOT, help="whose code judges (default: this one)")
    args = parser.parse_args()
    print(f"checkout {args.checkout.resolve()}")
    with tempfile.TemporaryDirectory(prefix="fuzzfox-fp-rules-") as scratch:
        for index, (kind, name) in enumerate(CASES):
            started = time.monotonic()
            verdict = judge(args.checkout, PROGRAMS / name, Path(scratch) / str(index))
            outcome = verdict["outcome"] + (f" by {verdict['drop_rule']}" if verdict.get("drop_rule") else "")
            seconds = time.monotonic() - started
            print(f"{kind:<5} {name:<44} {outcome:<28} {seconds:5.1f}s  {verdict['summary'][:220]}")


if __name__ == "__main__":
    main()
