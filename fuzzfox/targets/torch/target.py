"""torch.compile with Inductor on CPU, judged against eager by ``oracles.torch.compiled``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fuzzfox.program import ENTRY_CLASS, ENTRY_FUNCTION, INPUTS_FUNCTION, Program
from fuzzfox.targets.base import (
    SettingsError,
    Target,
    check_known,
    load_program_module,
    oracle_options,
    program_constants,
)
from oracles.judge import DEFAULT_ORACLES, ORACLES
from oracles.phases import PhaseLog
from oracles.torch import FRONTEND_LAYERS
from oracles.verdict import Verdict

if TYPE_CHECKING:
    from oracles.torch.compiled import TorchOracleOptions, TorchProgram

# Set before torch is imported in a worker: forked children hang at their first parallel op
# (OpenMP) or first new kernel (Inductor's compile pool) otherwise.  Caches off: a cache hit
# skips the passes whose triggers we want to see, and every run must really compile.
WORKER_ENVIRONMENT = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TORCHINDUCTOR_COMPILE_THREADS": "1",
    "TORCHINDUCTOR_FX_GRAPH_CACHE": "0",
    "TORCHINDUCTOR_AUTOGRAD_CACHE": "0",
}


# Always registered; listing every backend imports them all (about 1.5 s of worker start).
BUILTIN_BACKENDS = frozenset({"eager", "aot_eager", "inductor"})


class TorchInductorTarget(Target):
    name = "torch-inductor"
    framework = "torch"
    install_hint = "pip install torch==2.13.0 && pip install 'fuzzfox[torch]'"
    extractor = "fuzzfox.targets.torch.extract"
    frontend_layers = FRONTEND_LAYERS

    def __init__(self) -> None:
        self.probe: Any = None  # a TriggerProbe, made in the worker when settings ask for it

    def prepare_worker(self, settings: dict[str, Any]) -> dict[str, Any]:
        os.environ.update(WORKER_ENVIRONMENT)
        import torch
        import torch._functorch.config as functorch_config
        import torch._inductor.config as inductor_config

        from oracles.torch.compiled import known_backends

        torch.set_num_threads(1)
        inductor_config.fx_graph_cache = False
        inductor_config.fallback_random = True
        functorch_config.enable_autograd_cache = False
        requested = set(settings.get("backends", [])) - BUILTIN_BACKENDS
        if requested:  # listing the backends imports them all
            check_known("backend", requested, known_backends())
        check_known("oracle", settings.get("oracles") or DEFAULT_ORACLES, ORACLES)
        check_program_config(settings.get("inductor_config", {}))
        _warm_up()  # before the user's config: an injected compile error would break it
        apply_inductor_config(settings.get("inductor_config", {}))
        if settings.get("probe", True):
            from fuzzfox.targets.torch.probe import TriggerProbe

            self.probe = TriggerProbe()
        return {"torch": torch.__version__}

    def compiler_caches(self) -> tuple[Path, ...]:
        from torch._inductor.codecache import _HEADER_DIR
        from torch._inductor.runtime.cache_dir_utils import cache_dir

        return (Path(cache_dir()), Path(_HEADER_DIR))

    def compiler_lock_dirs(self) -> tuple[Path, ...]:
        from torch._inductor.codecache import get_lock_dir

        return (Path(get_lock_dir()),)

    def run_program(self, program: Program, settings: dict[str, Any], phases: PhaseLog) -> Verdict:
        from oracles.torch.compile_settings import CompileSettings
        from oracles.torch.compiled import TorchOracleOptions, TorchProgram

        phases.enter("load")
        namespace = load_program_module(program, lambda _: _check_header_config(program))
        if isinstance(namespace, Verdict):
            return namespace
        model = getattr(namespace, ENTRY_CLASS, None)
        build_model = model if model is not None else (lambda: getattr(namespace, ENTRY_FUNCTION))
        oracle_program = TorchProgram(
            build_model=build_model,
            make_inputs=getattr(namespace, INPUTS_FUNCTION),
            mode=program.mode,
            config=program.config,
            constants=program_constants(program.source),
            compile=CompileSettings.parse(program.compile_settings),
        )
        options = oracle_options(TorchOracleOptions, settings)
        oracles = program.oracles(settings.get("oracles") or DEFAULT_ORACLES)
        if self.probe is None:
            return _judge(oracle_program, options, oracles, phases)
        self.probe.start()
        try:
            verdict = _judge(oracle_program, options, oracles, phases)
        finally:
            triggers = self.probe.stop()
        verdict.triggers = triggers
        return verdict


def _judge(
    program: TorchProgram, options: TorchOracleOptions, oracles: list[str], phases: PhaseLog
) -> Verdict:
    """The values oracle, the gradient oracle, or both (``oracles.judge.values_and_gradients``);
    gradients are checked against the last (most compiling) backend."""
    from oracles.gradcheck import GradOptions
    from oracles.judge import values_and_gradients
    from oracles.torch import compiled as torch_compiled
    from oracles.torch import grads as torch_grads

    return values_and_gradients(
        oracles,
        lambda: torch_compiled.check(program, options, phases),
        lambda: torch_grads.check(
            program, options.backends[-1], options.seed, phases, GradOptions(seed=options.seed)
        ),
    )


def check_program_config(config: dict[str, Any]) -> None:
    import torch._inductor.config as inductor_config

    known = inductor_config.get_config_copy()
    for key in config:
        if key not in known:
            raise SettingsError(f"unknown Inductor config key {key!r}")


def _check_header_config(program: Program) -> None:
    from oracles.torch.compile_settings import CompileSettings

    try:
        check_program_config(program.config)
    except SettingsError as error:
        raise ValueError(f"program header config: {error}") from None
    try:
        CompileSettings.parse(program.compile_settings)
    except (TypeError, ValueError) as error:
        raise ValueError(f"program header compile: {error}") from None


def apply_inductor_config(config: dict[str, Any]) -> None:
    """Set Inductor config keys for this worker; unknown keys are a SettingsError."""
    import torch._inductor.config as inductor_config

    check_program_config(config)
    for key, value in config.items():
        owner: Any = inductor_config
        *parents, leaf = key.split(".")
        for part in parents:
            owner = getattr(owner, part)
        setattr(owner, leaf, value)


def _warm_up() -> None:
    """One small compile in the worker, so every forked child starts warm.

    It pays Inductor's imports and the precompiled header once per worker instead of once per
    program (a fresh first compile costs ~16 s here, a forked child of a warm worker ~3 s).
    """
    import torch

    def warm(x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.relu(x * 2.0 + 1.0).sum(dim=0)

    try:
        with torch.no_grad():
            torch.compile(warm, backend="inductor")(torch.randn(4, 4))
    except Exception as error:
        raise SettingsError(f"torch.compile does not work on this machine: {error}") from error
    torch._dynamo.reset()
