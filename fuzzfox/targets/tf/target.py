"""TensorFlow's ``tf.function`` and XLA (``jit_compile=True``) on CPU, judged against eager TF by
``oracles.tf.compiled`` (values) and ``oracles.tf.grads`` (gradients).

Program format (the header is the same as torch programs'; see ``oracles.tf.compiled`` for details)::

    # target: tf-xla
    # optimization: math_grad.Tanh
    # description: tanh under a matmul
    import numpy as np
    import tensorflow as tf

    def fn(x, w):                  # written with tf ops, dtype-generic where it can be
        return tf.tanh(x) @ w

    def make_inputs():             # numpy arrays: the harness controls dtype and the fp64 copy
        rng = np.random.default_rng(0)
        x = rng.standard_normal((3, 4)).astype(np.float32)
        return (x, rng.standard_normal((4, 2)).astype(np.float32))

Fork safety (measured): a worker that has only imported and configured TensorFlow forks safely and
the child can run ``tf.function(jit_compile=True)``; after an XLA call in the parent a forked child
aborts.  So ``prepare_worker`` imports and configures only and never executes a TF op.
"""

from __future__ import annotations

import linecache
import os
from typing import TYPE_CHECKING, Any

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
from oracles.judge import DEFAULT_ORACLES, ORACLES, exception_info
from oracles.phases import PhaseLog
from oracles.verdict import Outcome, Verdict

if TYPE_CHECKING:
    from oracles.tf.compiled import TfOracleOptions, TfProgram


class TfXlaTarget(Target):
    name = "tf-xla"
    framework = "tensorflow"
    install_hint = "pip install 'fuzzfox[tf]'"
    extractor = "fuzzfox.targets.tf.extract"

    def version(self) -> str:
        """The installed TF's version, whichever distribution (tensorflow, tensorflow-cpu...) has it."""
        from fuzzfox.targets.tf.extract import tensorflow_version

        return tensorflow_version()

    def prepare_worker(self, settings: dict[str, Any]) -> dict[str, Any]:
        from oracles.tf.compiled import ONEDNN_SETTING, known_backends
        from oracles.tf.faulty_backends import GRADIENT_FAULTS

        # Checked before the ~5 s import, so a bad setting is reported at once.
        check_known("backend", settings.get("backends") or [], known_backends())
        check_known("oracle", settings.get("oracles") or [], ORACLES)
        check_known("tf fault", settings.get("tf_faults") or [], GRADIENT_FAULTS)
        if settings.get("inductor_config"):
            raise SettingsError("inductor_config does not apply to target tf-xla")
        # Before the import: logging, and which eager kernels TF picks (see oracles.tf.compiled).
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = ONEDNN_SETTING
        import tensorflow as tf

        # One thread per program (the sandbox runs programs in parallel), which also keeps eager
        # reductions in one order from run to run.  Configures the runtime; executes nothing.
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        return {"tensorflow": tf.__version__, "onednn": ONEDNN_SETTING}

    def run_program(self, program: Program, settings: dict[str, Any], phases: PhaseLog) -> Verdict:
        from oracles.judge import values_and_gradients
        from oracles.tf.compiled import TfOracleOptions, TfProgram, check
        from oracles.tf.faulty_backends import gradient_faults
        from oracles.tf.grads import gradients_used

        phases.enter("load")
        filename = program.path or "<program>"
        # AutoGraph converts Python control flow by reading fn's source; the child runs in a
        # private directory where program.path may not resolve, so the source is served from here.
        linecache.cache[filename] = (len(program.source), None, program.source.splitlines(True), filename)
        namespace = load_program_module(program, lambda module: require_entry_function(module, self.name))
        if isinstance(namespace, Verdict):
            return namespace
        function = getattr(namespace, ENTRY_FUNCTION)
        oracle_program = TfProgram(
            fn=function,
            make_inputs=getattr(namespace, INPUTS_FUNCTION),
            constants=program_constants(program.source),
        )
        options = oracle_options(TfOracleOptions, settings)
        oracles = program.oracles(settings.get("oracles") or DEFAULT_ORACLES)
        with gradient_faults(list(settings.get("tf_faults") or [])), gradients_used() as used:
            verdict = values_and_gradients(
                oracles,
                lambda: check(oracle_program, options, phases),
                lambda: _gradients(oracle_program, options, phases),
            )
        verdict.triggers = sorted(used)
        return verdict


def _gradients(program: TfProgram, options: TfOracleOptions, phases: PhaseLog) -> Verdict:
    """The gradient verdict (compiled reverse under the most compiling backend)."""
    from oracles.gradcheck import GradOptions, check_gradients
    from oracles.tf.grads import gradient_functions

    try:
        functions, x = gradient_functions(program, options.seed, compiled_backend=options.backends[-1])
    except Exception as error:
        info = exception_info(error)
        return Verdict(
            Outcome.INVALID, f"make_inputs() fails ({info.type}: {info.message[:200]})", exception=info
        )
    return check_gradients(functions, x, GradOptions(seed=options.seed), phases)
