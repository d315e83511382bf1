"""JAX's ``jit`` (XLA on CPU), judged against op-by-op JAX by ``oracles.jax.compiled`` (values) and
``oracles.jax.grads`` (gradients).

Program format (the header is the same as torch programs')::

    # target: jax-xla
    # optimization: lax.select_n.jvp
    # config: jax_default_matmul_precision=highest     (optional: jax.config options)
    import numpy as np
    import jax.numpy as jnp
    from jax import lax

    def fn(x, y):                  # written with jax.numpy / jax.lax
        return jnp.where(x > 0, x * y, lax.exp(y))

    def make_inputs():             # numpy arrays: the harness controls dtype and the fp64 copy
        return (np.random.randn(3, 4).astype(np.float32), np.random.randn(3, 4).astype(np.float32))

``jax_enable_x64`` is on in the worker (the float64 referee needs it), so unsuffixed
constructors such as ``jnp.ones(3)`` make float64 arrays: give float32 dtypes explicitly.
``make_inputs`` runs once per program with numpy's global RNG seeded.

Fork safety: a worker that has only imported and configured JAX forks safely, and the child can
jit and differentiate; forking after the parent has run a jit deadlocks the child.  So
``prepare_worker`` never executes a JAX computation: no warm-up, unlike torch.
"""

from __future__ import annotations

import os
import types
from typing import Any

from fuzzfox.program import ENTRY_FUNCTION, INPUTS_FUNCTION, Program
from fuzzfox.targets.base import (
    SettingsError,
    Target,
    check_known,
    load_program_module,
    oracle_options,
    program_constants,
    require_entry_function,
)
from oracles.judge import DEFAULT_ORACLES, ORACLES
from oracles.phases import PhaseLog
from oracles.verdict import Verdict

# Set before jax is imported: CPU only (no probing for accelerators at every child's first
# computation), and one XLA thread per program since the sandbox runs programs in parallel.
WORKER_ENVIRONMENT = {
    "JAX_PLATFORMS": "cpu",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
}
# Options a program's ``# config:`` may not change: the oracles depend on them.
RESERVED_CONFIG = frozenset({"jax_enable_x64", "jax_disable_jit", "jax_platforms", "jax_platform_name"})


class JaxXlaTarget(Target):
    name = "jax-xla"
    framework = "jax"
    install_hint = "pip install 'fuzzfox[jax]'"
    extractor = "fuzzfox.targets.jax.extract"

    def prepare_worker(self, settings: dict[str, Any]) -> dict[str, Any]:
        for key, value in WORKER_ENVIRONMENT.items():
            os.environ.setdefault(key, value)
        import jax

        from oracles.jax.compiled import known_backends
        from oracles.jax.faulty_backends import RULE_FAULTS

        jax.config.update("jax_enable_x64", True)
        check_known("JAX backend", settings.get("backends") or [], known_backends())
        check_known("oracle", settings.get("oracles") or [], ORACLES)
        check_known("JAX fault", settings.get("jax_faults") or [], RULE_FAULTS)
        if settings.get("inductor_config"):
            raise SettingsError("inductor_config does not apply to target jax-xla")
        return {"jax": jax.__version__}

    def run_program(self, program: Program, settings: dict[str, Any], phases: PhaseLog) -> Verdict:
        from oracles.gradcheck import GradOptions
        from oracles.jax import compiled as jax_xla
        from oracles.jax import grads as jax_grads
        from oracles.jax.faulty_backends import inject_rule_faults
        from oracles.judge import values_and_gradients

        phases.enter("load")

        def check(module: types.ModuleType) -> None:
            require_entry_function(module, self.name)
            apply_program_config(program.config)

        namespace = load_program_module(program, check)
        if isinstance(namespace, Verdict):
            return namespace
        inject_rule_faults(list(settings.get("jax_faults") or []))
        function = getattr(namespace, ENTRY_FUNCTION)
        oracle_program = jax_xla.JaxProgram(
            function, getattr(namespace, INPUTS_FUNCTION), program_constants(program.source)
        )
        seed = int(settings.get("seed", 0))
        options = oracle_options(jax_xla.JaxOracleOptions, settings)
        return values_and_gradients(
            program.oracles(settings.get("oracles") or DEFAULT_ORACLES),
            lambda: jax_xla.check(oracle_program, options, phases),
            lambda: jax_grads.check(oracle_program, GradOptions(seed=seed), phases),
        )


def apply_program_config(config: dict[str, Any]) -> None:
    """Set the ``jax.config`` options a program's header asks for (in its own forked child)."""
    import jax

    for key, value in config.items():
        if key not in jax.config.values:
            raise ValueError(f"unknown jax.config option {key!r}")
        if key in RESERVED_CONFIG:
            raise ValueError(f"jax.config option {key!r} is set by the harness")
        jax.config.update(key, value)
