"""Control flow (jax): loops and conditionals around elementwise bodies.

The order is part of what a seed draws: generators index into the registry's ops in order.
"""

from __future__ import annotations

from fuzzfox.generation.ops.array.op import (
    ELEMENTWISE,
    ArrayOp,
)
from fuzzfox.generation.ops.array.op import param as _p

OPS: tuple[ArrayOp, ...] = (
    ArrayOp("fori_loop", ELEMENTWISE, "lax.fori_loop(0, {trips}, lambda i, c: jnp.sin(c) * 0.5 + {x}, {x})",
            None, params=(_p("trips", "2", "3", "4"),),
            jax_rules=("lax.scan.jvp", "lax.scan.linearize", "lax.scan.transpose")),
    ArrayOp("cond", ELEMENTWISE, "lax.cond(jnp.sum({x}) > 0.0, jnp.sin, jnp.tanh, {x})",
            "tf.cond(tf.reduce_sum({x}) > 0.0, lambda: tf.sin({x}), lambda: tf.tanh({x}))",
            jax_rules=("lax.cond.jvp", "lax.cond.transpose")),
)  # fmt: skip
