"""One standalone reproducer script per bug: the program plus a short harness a maintainer can run.

For torch-inductor the harness rebuilds the model and inputs from the oracle's seed, runs eager
(expected), ``torch.compile`` with the backend that misbehaved (actual) and eager in float64 (the
referee maintainers ask for), then prints expected vs actual numbers, the max abs error and both
sides' RMSE against fp64; exit status 1 while the bug reproduces.  A compiled crash is left to
raise, so its traceback is what the script prints (``faulthandler`` covers a native crash).  For
a wrong gradient it also compares the gradients of ``sum(w * output)`` with respect to the
floating inputs.  Other targets get the program with the ``fuzzfox run`` command that judges it.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

from fuzzfox.program import HEADER_LINE, parse_header, parse_settings
from fuzzfox.targets.base import program_constants
from oracles import boundary
from oracles.torch.faulty_backends import FAULTY_BACKENDS

TORCH_TARGET = "torch-inductor"
SETTINGS_MARKER = "# ---- fuzzfox settings: those of the run that found the bug ----"


@dataclasses.dataclass(frozen=True)
class ReproducerSpec:
    """Everything a reproducer needs, taken from the cluster and the run that recorded it."""

    bug_id: str
    file_name: str  # what the script is saved as (the run line names it)
    title: str
    source: str  # the program: minimized when triage minimized it, else the original
    provenance: str  # one line: "minimized from 9 to 4 statements (verified)" / "the original program"
    target: str
    backend: str  # the compiled backend that misbehaved
    version: str  # the framework version the campaign ran
    settings: dict[str, Any]  # the run's settings (backends, inductor_config, seed, ...)
    gradients: bool  # compare gradients too (a wrong-gradient bug)
    draw: str | None = None  # the boundary input draw (oracles.boundary) the bug showed on


def reproducer_script(spec: ReproducerSpec) -> str:
    """The program's own ``# key: value`` header first (so ``fuzzfox run`` still reads it), then
    what the bug is and how to run the script, then the program body and the harness."""
    header, body = _split_header(spec.source)
    about = [
        f"# Reproducer for bug {spec.bug_id}: {spec.title}",
        "# Found by fuzzfox, a differential fuzzer for deep-learning compilers.",
        f"# Versions: {spec.target} on {_framework(spec.target)} {spec.version} (recorded by the campaign)",
        f"# Backend that misbehaved: {spec.backend or '-'}",
        f"# Program: {spec.provenance}",
    ]
    if spec.target != TORCH_TARGET:
        about.append(
            f"# Judge it with: fuzzfox run {spec.file_name} --target {spec.target} --backends {spec.backend}"
        )
        return "\n".join([*header, "", *about, body])
    about.append(
        f"# Run: python {spec.file_name}   (exit status 1 while the bug reproduces, 0 once it does not)"
    )
    return "\n".join([*header, "", *about, body.rstrip("\n")]) + "\n" + _torch_constants(spec) + TORCH_HARNESS


def _split_header(source: str) -> tuple[list[str], str]:
    lines = source.splitlines()
    count = 0
    for line in lines:
        if line.strip() and not HEADER_LINE.match(line.strip()):
            break
        count += 1
    return [line for line in lines[:count] if line.strip()], "\n".join(lines[count:]) + "\n"


def _framework(target: str) -> str:
    return target.split("-")[0] if target else "framework"


def _torch_constants(spec: ReproducerSpec) -> str:
    """The settings block: the run's Inductor config, then the program header's (the oracle's order)."""
    metadata = parse_header(spec.source)
    config = {
        "fallback_random": True,  # the oracle's setting: RNG in compiled code draws what eager draws
        **spec.settings.get("inductor_config", {}),
        **parse_settings(metadata.get("config", "")),
    }
    lines = ["", "", SETTINGS_MARKER]
    if spec.backend in FAULTY_BACKENDS:
        lines.append("# a deliberately wrong testing backend from fuzzfox's oracles package")
        lines.append(f"from oracles.torch.faulty_backends import {spec.backend} as _FUZZFOX_BACKEND")
    else:
        lines.append(f"_FUZZFOX_BACKEND = {spec.backend or 'inductor'!r}")
    lines += [
        f"_FUZZFOX_TITLE = {spec.title!r}",
        f"_FUZZFOX_VERSION = {spec.version!r}",
        f"_FUZZFOX_MODE = {metadata.get('mode', 'inference')!r}  # inference: under torch.no_grad()",
        f"_FUZZFOX_INDUCTOR_CONFIG = {config!r}",
        f"_FUZZFOX_SEED = {int(spec.settings.get('seed', 0))!r}",
        f"_FUZZFOX_GRADIENTS = {spec.gradients!r}",
        f"_FUZZFOX_COMPILE = {parse_settings(metadata.get('compile', ''))!r}  # the program's # compile:",
    ]
    if spec.draw in (*boundary.DRAWS, boundary.RESIZED):
        index = boundary.DRAWS.index(spec.draw) if spec.draw in boundary.DRAWS else 0
        seed = int(spec.settings.get("seed", 0)) + index
        constants = program_constants(spec.source)
        lines += [
            f"# the bug shows on the {spec.draw!r} boundary input draw of fuzzfox's oracles.boundary:",
            f"_FUZZFOX_DRAW = ({spec.draw!r}, {seed!r}, {constants!r})",
            _boundary_source(),
        ]
    else:
        lines.append("_FUZZFOX_DRAW = None  # the recorded inputs")
    return "\n".join(lines) + "\n"


def _boundary_source() -> str:
    """oracles.boundary's code without its module header: the script draws what the oracle drew."""
    text = inspect.getsource(boundary)
    return "from typing import Any\n" + text.split("from typing import Any\n", 1)[1]


TORCH_HARNESS = '''

# ---- fuzzfox harness: eager (expected) vs torch.compile (actual), fp64 eager as referee ----
def _fuzzfox_reproduce() -> int:
    import contextlib
    import faulthandler
    import random

    import torch
    import torch._inductor.config as inductor_config

    entry = globals().get("Model") or (lambda: globals()["fn"])

    def to_fp64(value):
        if isinstance(value, torch.Tensor) and value.is_floating_point():
            return value.to(torch.float64)
        if isinstance(value, (list, tuple)):
            return type(value)(to_fp64(item) for item in value)
        return value

    def build(fp64, draw=True):
        torch.manual_seed(_FUZZFOX_SEED)
        random.seed(_FUZZFOX_SEED)
        model = entry()
        torch.manual_seed(_FUZZFOX_SEED)
        inputs = make_inputs()
        inputs = tuple(inputs) if isinstance(inputs, (list, tuple)) else (inputs,)
        if _FUZZFOX_DRAW is not None and draw:
            inputs = draw_inputs(inputs, *_FUZZFOX_DRAW)
        if fp64:
            model = model.to(torch.float64) if isinstance(model, torch.nn.Module) else model
            inputs = to_fp64(inputs)
        torch.manual_seed(_FUZZFOX_SEED)
        return model, inputs

    def tensors(value, path):
        if isinstance(value, torch.Tensor):
            return [(path, value)]
        if isinstance(value, (list, tuple)):
            return [leaf for i, item in enumerate(value) for leaf in tensors(item, f"{path}[{i}]")]
        if isinstance(value, dict):
            return [leaf for k in sorted(value, key=repr) for leaf in tensors(value[k], f"{path}[{k!r}]")]
        return []

    def gradients(outputs, inputs):
        """d sum(w * out) / d input for the floating inputs, with fixed weights w."""
        wanted = [(p, x) for p, x in inputs if x.is_floating_point() and x.requires_grad]
        outs = [o for _, o in outputs if o.is_floating_point() and o.requires_grad]
        if not wanted or not outs:
            return []
        generator = torch.Generator().manual_seed(_FUZZFOX_SEED)
        loss = sum((o * torch.randn(o.shape, generator=generator, dtype=o.dtype)).sum() for o in outs)
        grads = torch.autograd.grad(loss, [x for _, x in wanted], allow_unused=True)
        return [(f"grad {p}", torch.zeros_like(x) if g is None else g) for (p, x), g in zip(wanted, grads)]

    def run(backend, fp64=False):
        model, inputs = build(fp64)
        if _FUZZFOX_GRADIENTS:
            inputs = tuple(
                x.detach().requires_grad_() if isinstance(x, torch.Tensor) and x.is_floating_point() else x
                for x in inputs
            )
        grad_mode = torch.no_grad() if _FUZZFOX_MODE == "inference" else contextlib.nullcontext()
        previous = torch.get_default_dtype()
        torch.set_default_dtype(torch.float64 if fp64 else previous)
        settings = dict(_FUZZFOX_COMPILE)
        dynamo_flags = {
            key: True
            for key in ("capture_scalar_outputs", "capture_dynamic_output_shape_ops")
            if settings.get(key)
        }
        try:
            with grad_mode, inductor_config.patch(_FUZZFOX_INDUCTOR_CONFIG), torch._dynamo.config.patch(
                dynamo_flags
            ):
                if backend is not None:
                    torch._dynamo.reset()
                    model = torch.compile(
                        model,
                        backend=backend,
                        dynamic=True if settings.get("dynamic") is True else None,
                        fullgraph=bool(settings.get("fullgraph")),
                    )
                    resized = bool(_FUZZFOX_DRAW) and _FUZZFOX_DRAW[0] == "resized"
                    first = build(fp64, draw=False)[1] if resized else inputs
                    for value in first if settings.get("dynamic") == "marked" else ():
                        if isinstance(value, torch.Tensor) and value.dim() >= 1 and value.shape[0] > 1:
                            torch._dynamo.maybe_mark_dynamic(value, 0)
                    if resized:
                        model(*first)  # the first call sees the recorded sizes, as in the campaign
                output = model(*inputs)
            leaves = tensors(output, "out") + tensors(inputs, "input")
            if _FUZZFOX_GRADIENTS:
                leaves += gradients(tensors(output, "out"), tensors(inputs, "input"))
        finally:
            torch.set_default_dtype(previous)
        return [(path, value.detach()) for path, value in leaves]

    def values(tensor):
        flat = tensor.flatten()[:6].double().tolist()
        return "[" + ", ".join(f"{v:.7g}" for v in flat) + (", ...]" if tensor.numel() > 6 else "]")

    def position(flat_index, shape):
        index = []
        for size in reversed(shape):
            flat_index, rest = divmod(flat_index, size)
            index.append(rest)
        return tuple(reversed(index))

    def rmse(a, b):
        return float(((a.double() - b.double()) ** 2).mean().sqrt()) if a.numel() else 0.0

    faulthandler.enable()  # a native crash in the compiler still prints where Python was
    print(f"fuzzfox reproducer: {_FUZZFOX_TITLE}")
    backend = getattr(_FUZZFOX_BACKEND, "__name__", _FUZZFOX_BACKEND)
    print(f"torch {torch.__version__} (the campaign ran {_FUZZFOX_VERSION}), backend {backend}")
    try:
        expected = run(None)
    except Exception as error:
        print(f"eager raises {type(error).__name__}: {error}")
        run(_FUZZFOX_BACKEND)
        print("MISMATCH: torch.compile runs a program that raises eagerly")
        return 1
    actual = run(_FUZZFOX_BACKEND)  # a compiled crash raises here, with its traceback
    try:
        reference = run(None, fp64=True)
    except Exception as error:  # e.g. float16 and float64 operands mixed: no referee, not a failure
        print(f"no fp64 reference (the program does not run in float64: {type(error).__name__})")
        reference = [(path, None) for path, _ in expected]
    if [p for p, _ in actual] != [p for p, _ in expected]:
        print(f"MISMATCH: compiled returns {[p for p, _ in actual]}, eager {[p for p, _ in expected]}")
        return 1
    mismatches = 0
    for (path, want), (_, got), (_, ref) in zip(expected, actual, reference):
        if got.shape != want.shape or got.dtype != want.dtype:
            shapes = f"eager {tuple(want.shape)} {want.dtype}, compiled {tuple(got.shape)} {got.dtype}"
            print(f"{path}: MISMATCH: {shapes}")
            mismatches += 1
            continue
        try:
            torch.testing.assert_close(got, want)
            agree = True
        except AssertionError:
            agree = False
            mismatches += 1
        if agree and path.startswith("input"):
            continue  # inputs are compared because a program may mutate them; quiet when they agree
        print(f"{path}: shape {tuple(want.shape)}, {want.dtype}")
        print(f"  expected (eager)   : {values(want)}")
        print(f"  actual (compiled)  : {values(got)}")
        if want.numel():
            error = (got.double() - want.double()).abs().flatten()
            worst = int(torch.nan_to_num(error, nan=float("inf")).argmax())
            print(
                f"  max abs error {float(error[worst]):.3g} at {position(worst, tuple(want.shape))}: "
                f"expected {float(want.double().flatten()[worst]):.7g}, "
                f"actual {float(got.double().flatten()[worst]):.7g}"
            )
            if ref is not None and ref.shape == want.shape:
                print(f"  rmse vs fp64: compiled {rmse(got, ref):.3g}, eager {rmse(want, ref):.3g}")
        print("  agree (torch.testing.assert_close tolerances)" if agree else "  MISMATCH beyond tolerance")
    if mismatches:
        print(f"MISMATCH in {mismatches} of {len(expected)} compared tensors: the bug reproduces")
        return 1
    print("compiled agrees with eager: the bug does not reproduce here")
    return 0


if __name__ == "__main__":
    raise SystemExit(_fuzzfox_reproduce())
'''
