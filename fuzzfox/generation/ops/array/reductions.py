"""Reductions over an axis, several, or all (``{axis}``, ``{keepdims}``).

The order is part of what a seed draws: generators index into the registry's ops in order.
"""

from __future__ import annotations

from fuzzfox.generation.ops.array.op import (
    KEEP,
    MANY_AXES,
    NONZERO,
    ONE_AXIS,
    PICK,
    POSITIVE,
    REDUCE,
    ArrayOp,
)

OPS: tuple[ArrayOp, ...] = (
    ArrayOp("sum", REDUCE, "jnp.sum({x}, axis={axis}, keepdims={keepdims})",
            "tf.reduce_sum({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            jax_rules=("lax.reduce_sum.transpose",), tf_grads=("math_grad.Sum",),
            tf_aliases=("tensorflow.math.reduce_sum",)),
    ArrayOp("mean", REDUCE, "jnp.mean({x}, axis={axis}, keepdims={keepdims})",
            "tf.reduce_mean({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            jax_rules=("lax.reduce_sum.transpose", "lax.div.transpose"), tf_grads=("math_grad.Mean",),
            tf_aliases=("tensorflow.math.reduce_mean",)),
    ArrayOp("max", REDUCE, "jnp.max({x}, axis={axis}, keepdims={keepdims})",
            "tf.reduce_max({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            jax_rules=("lax.reduce_max.jvp",), tf_grads=("math_grad.Max",),
            jax_aliases=("jax.numpy.amax",), tf_aliases=("tensorflow.math.reduce_max",)),
    ArrayOp("min", REDUCE, "jnp.min({x}, axis={axis}, keepdims={keepdims})",
            "tf.reduce_min({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            jax_rules=("lax.reduce_min.jvp",), tf_grads=("math_grad.Min",),
            jax_aliases=("jax.numpy.amin",), tf_aliases=("tensorflow.math.reduce_min",)),
    ArrayOp("prod", REDUCE, "jnp.prod({x}, axis={axis}, keepdims={keepdims})",
            "tf.reduce_prod({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            domains=(NONZERO,), jax_rules=("lax.reduce_prod.jvp",), tf_grads=("math_grad.Prod",),
            tf_aliases=("tensorflow.math.reduce_prod",)),
    ArrayOp("logsumexp", REDUCE, "jax.nn.logsumexp({x}, axis={axis}, keepdims={keepdims})",
            "tf.reduce_logsumexp({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            jax_rules=("lax.stop_gradient.jvp", "lax.exp.jvp", "lax.log.jvp"),
            tf_grads=("math_grad.Exp", "math_grad.Log"),
            jax_aliases=("jax.scipy.special.logsumexp",), tf_aliases=("tensorflow.math.reduce_logsumexp",)),
    ArrayOp("var", REDUCE, "jnp.var({x}, axis={axis}, keepdims={keepdims})",
            "tf.math.reduce_variance({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            jax_rules=("lax.reduce_sum.transpose", "lax.div.transpose"),
            tf_grads=("math_grad.Mean", "math_grad.Square")),
    ArrayOp("std", REDUCE, "jnp.std({x}, axis={axis}, keepdims={keepdims})",
            "tf.math.reduce_std({x}, axis={axis}, keepdims={keepdims})", axis=MANY_AXES, params=(KEEP,),
            jax_rules=("lax.sqrt.jvp", "lax.reduce_sum.transpose"),
            tf_grads=("math_grad.Sqrt", "math_grad.Mean")),
    ArrayOp("norm", REDUCE, "jnp.linalg.norm({x}, axis={axis}, keepdims={keepdims})",
            "tf.norm({x}, axis={axis}, keepdims={keepdims})", axis=ONE_AXIS, params=(KEEP,),
            output=POSITIVE, jax_rules=("lax.sqrt.jvp",), tf_grads=("math_grad.Sqrt",),
            tf_aliases=("tensorflow.linalg.norm",)),
    ArrayOp("argmax_pick", PICK,
            "jnp.sum({x} * jax.nn.one_hot(jnp.argmax({x}, axis=-1), {n}, dtype={x}.dtype), axis=-1)",
            "tf.reduce_sum({x} * tf.one_hot(tf.argmax({x}, axis=-1), {n}, dtype={x}.dtype), axis=-1)",
            min_rank=1, jax_rules=("lax.argmax.jvp_zero", "lax.eq.jvp_zero"),
            tf_grads=("math_grad.Mul", "math_grad.Sum")),  # TF's tape never asks for ArgMax's gradient
)  # fmt: skip
