"""Binary ops: two arrays, broadcasting.

The order is part of what a seed draws: generators index into the registry's ops in order.
"""

from __future__ import annotations

from fuzzfox.generation.ops.array.op import (
    BINARY,
    NONZERO,
    POSITIVE,
    REAL,
    ArrayOp,
)
from fuzzfox.generation.ops.array.op import param as _p

OPS: tuple[ArrayOp, ...] = (
    ArrayOp("add", BINARY, "{x} + {y}", "{x} + {y}", arity=2, domains=(REAL, REAL),
            jax_rules=("lax.add.jvp", "lax.add.transpose"), tf_grads=("math_grad.AddV2",)),
    ArrayOp("subtract", BINARY, "{x} - {y}", "{x} - {y}", arity=2, domains=(REAL, REAL),
            jax_rules=("lax.sub.jvp", "lax.sub.transpose"), tf_grads=("math_grad.Sub",)),
    ArrayOp("multiply", BINARY, "{x} * {y}", "{x} * {y}", arity=2, domains=(REAL, REAL),
            jax_rules=("lax.mul.jvp", "lax.mul.transpose"), tf_grads=("math_grad.Mul",)),
    ArrayOp("divide", BINARY, "{x} / {y}", "{x} / {y}", arity=2, domains=(REAL, NONZERO),
            jax_rules=("lax.div.jvp", "lax.div.transpose"), tf_grads=("math_grad.RealDiv",)),
    ArrayOp("maximum", BINARY, "jnp.maximum({x}, {y})", "tf.maximum({x}, {y})", arity=2,
            domains=(REAL, REAL), jax_rules=("lax.max.jvp",), tf_grads=("math_grad.Maximum",),
            jax_aliases=("jax.lax.max",), tf_aliases=("tensorflow.math.maximum",)),
    ArrayOp("minimum", BINARY, "jnp.minimum({x}, {y})", "tf.minimum({x}, {y})", arity=2,
            domains=(REAL, REAL), jax_rules=("lax.min.jvp",), tf_grads=("math_grad.Minimum",),
            jax_aliases=("jax.lax.min",), tf_aliases=("tensorflow.math.minimum",)),
    ArrayOp("power", BINARY, "jnp.power({x}, {y})", "tf.pow({x}, {y})", arity=2, domains=(POSITIVE, REAL),
            jax_rules=("lax.pow.jvp",), tf_grads=("math_grad.Pow",), output=POSITIVE,
            tf_aliases=("tensorflow.math.pow",)),
    ArrayOp("arctan2", BINARY, "jnp.arctan2({x}, {y})", "tf.math.atan2({x}, {y})", arity=2,
            domains=(REAL, POSITIVE), jax_rules=("lax.atan2.jvp",), tf_grads=("math_grad.Atan2",),
            jax_aliases=("jax.numpy.atan2",)),
    ArrayOp("hypot", BINARY, "jnp.hypot({x}, {y})", None, arity=2, domains=(NONZERO, NONZERO),
            output=POSITIVE, jax_rules=("lax.sqrt.jvp", "lax.div.jvp")),
    ArrayOp("fmod", BINARY, "jnp.fmod({x}, {y})", "tf.math.floormod({x}, {y})", arity=2,
            domains=(REAL, NONZERO), jax_rules=("lax.rem.jvp",), tf_grads=("math_grad.FloorMod",)),
    ArrayOp("squared_difference", BINARY, "jnp.square({x} - {y})", "tf.math.squared_difference({x}, {y})",
            arity=2, domains=(REAL, REAL), jax_rules=("lax.square.jvp",),
            tf_grads=("math_grad.SquaredDifference",)),
    ArrayOp("xlogy", BINARY, "special.xlogy({x}, {y})", "tf.math.xlogy({x}, {y})", arity=2,
            domains=(REAL, POSITIVE), jax_rules=("lax.log.jvp",), tf_grads=("math_grad.Xlogy",)),
    ArrayOp("where_greater", BINARY, "jnp.where({x} > {y}, {x}, {y} * {scale})",
            "tf.where({x} > {y}, {x}, {y} * {scale})", arity=2, domains=(REAL, REAL),
            params=(_p("scale", "0.5", "-1.0", "2.0"),),
            jax_rules=("lax.select_n.jvp", "lax.select_n.transpose", "lax.gt.jvp_zero"),
            tf_grads=("math_grad.SelectV2",)),
    ArrayOp("complex_abs", BINARY, "jnp.abs(lax.complex({x}, {y}))", "tf.abs(tf.complex({x}, {y}))",
            arity=2, broadcasts=False, domains=(NONZERO, REAL), output=POSITIVE,
            jax_rules=("lax.complex.transpose", "lax.abs.jvp"),
            tf_grads=("math_grad.Complex", "math_grad.ComplexAbs")),
    ArrayOp("complex_angle", BINARY, "jnp.angle(lax.complex({x}, {y}))",
            "tf.math.angle(tf.complex({x}, {y}))", arity=2, broadcasts=False, domains=(POSITIVE, REAL),
            jax_rules=("lax.complex.transpose", "lax.atan2.jvp"),
            tf_grads=("math_grad.Complex", "math_grad.Angle")),
    ArrayOp("complex_product", BINARY, "jnp.real(lax.complex({x}, {y}) * jnp.conj(lax.complex({y}, {x})))",
            "tf.math.real(tf.complex({x}, {y}) * tf.math.conj(tf.complex({y}, {x})))",
            arity=2, broadcasts=False,
            domains=(REAL, REAL),
            jax_rules=("lax.complex.transpose", "lax.conj.jvp", "lax.conj.transpose", "lax.real.transpose"),
            tf_grads=("math_grad.Complex", "math_grad.Conj", "math_grad.Real")),
)  # fmt: skip
