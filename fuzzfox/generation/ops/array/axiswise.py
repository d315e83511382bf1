"""Ops along one axis that keep the shape: cumulative ops, softmax, sort, flip...

The order is part of what a seed draws: generators index into the registry's ops in order.
"""

from __future__ import annotations

from fuzzfox.generation.ops.array.op import (
    AXISWISE,
    NONZERO,
    ONE_AXIS,
    POSITIVE,
    ArrayOp,
)
from fuzzfox.generation.ops.array.op import param as _p

OPS: tuple[ArrayOp, ...] = (
    ArrayOp("cumsum", AXISWISE, "jnp.cumsum({x}, axis={axis})",
            "tf.math.cumsum({x}, axis={axis}, exclusive={exclusive}, reverse={reverse})",
            axis=ONE_AXIS, min_rank=1,
            params=(_p("exclusive", "False", "True"), _p("reverse", "False", "True")),
            jax_rules=("lax.cumsum.transpose",), tf_grads=("math_grad.Cumsum",),
            tf_aliases=("tensorflow.cumsum",)),
    ArrayOp("cumsum_reverse", AXISWISE, "lax.cumsum({x}, axis={axis}, reverse={reverse})", None,
            axis=ONE_AXIS, negative_axis=False, min_rank=1, params=(_p("reverse", "True", "False"),),
            jax_rules=("lax.cumsum.transpose",)),
    ArrayOp("cumprod", AXISWISE, "jnp.cumprod({x}, axis={axis})",
            "tf.math.cumprod({x}, axis={axis}, exclusive={exclusive}, reverse={reverse})",
            axis=ONE_AXIS, min_rank=1, domains=(NONZERO,),
            params=(_p("exclusive", "False", "True"), _p("reverse", "False", "True")),
            jax_rules=("lax.cumprod.jvp",), tf_grads=("math_grad.Cumprod",),
            tf_aliases=("tensorflow.cumprod",)),
    ArrayOp("cumlogsumexp", AXISWISE, "lax.cumlogsumexp({x}, axis={axis}, reverse={reverse})",
            "tf.math.cumulative_logsumexp({x}, axis={axis}, exclusive=False, reverse={reverse})",
            axis=ONE_AXIS, negative_axis=False, min_rank=1, params=(_p("reverse", "False", "True"),),
            jax_rules=("lax.cumlogsumexp.jvp",), tf_grads=("math_grad.CumulativeLogsumexp",)),
    ArrayOp("cummax", AXISWISE, "lax.cummax({x}, axis={axis}, reverse={reverse})", None,
            axis=ONE_AXIS, negative_axis=False, min_rank=1, params=(_p("reverse", "False", "True"),),
            jax_rules=("lax.cummax.jvp",)),
    ArrayOp("cummin", AXISWISE, "lax.cummin({x}, axis={axis}, reverse={reverse})", None,
            axis=ONE_AXIS, negative_axis=False, min_rank=1, params=(_p("reverse", "False", "True"),),
            jax_rules=("lax.cummin.jvp",)),
    ArrayOp("softmax", AXISWISE, "jax.nn.softmax({x}, axis={axis})", "tf.nn.softmax({x}, axis={axis})",
            axis=ONE_AXIS, min_rank=1, output=POSITIVE,
            jax_rules=("lax.exp.jvp", "lax.div.jvp", "lax.reduce_max.jvp"), tf_grads=("nn_grad.Softmax",),
            tf_aliases=("tensorflow.math.softmax",)),
    ArrayOp("log_softmax", AXISWISE, "jax.nn.log_softmax({x}, axis={axis})",
            "tf.nn.log_softmax({x}, axis={axis})", axis=ONE_AXIS, min_rank=1,
            jax_rules=("lax.exp.jvp", "lax.log.jvp", "lax.reduce_max.jvp"), tf_grads=("nn_grad.LogSoftmax",),
            tf_aliases=("tensorflow.math.log_softmax",)),
    ArrayOp("sort", AXISWISE, "jnp.sort({x}, axis={axis})",
            "tf.sort({x}, axis={axis}, direction={direction})",
            axis=ONE_AXIS, min_rank=1, params=(_p("direction", "'ASCENDING'", "'DESCENDING'"),),
            jax_rules=("lax.sort.jvp",), tf_grads=("nn_grad.TopKV2",)),
    ArrayOp("flip", AXISWISE, "jnp.flip({x}, axis={axis})", "tf.reverse({x}, axis=[{axis}])",
            axis=ONE_AXIS, min_rank=1, jax_rules=("lax.rev.transpose",), tf_grads=("array_grad.ReverseV2",)),
    ArrayOp("roll", AXISWISE, "jnp.roll({x}, {shift}, axis={axis})", "tf.roll({x}, {shift}, axis={axis})",
            axis=ONE_AXIS, min_rank=1, params=(_p("shift", "1", "-1", "2"),),
            jax_rules=("lax.slice.transpose", "lax.concatenate.transpose"), tf_grads=("manip_grad.Roll",)),
    ArrayOp("max_pool", AXISWISE, "lax.reduce_window({x}, -jnp.inf, lax.max, {window}, {strides}, 'SAME')",
            None, axis=ONE_AXIS, min_rank=1, jax_rules=("lax.reduce_window_max.jvp",)),
    ArrayOp("sum_pool", AXISWISE, "lax.reduce_window({x}, 0.0, lax.add, {window}, {strides}, 'SAME')",
            None, axis=ONE_AXIS, min_rank=1, jax_rules=("lax.reduce_window_sum.transpose",)),
    # A shift that is an int input: traced under jit / tf.function, so another code path than a
    # constant shift (jnp.roll's dynamic_slice path; tf.roll's shift tensor).
    ArrayOp("roll_traced", AXISWISE, "jnp.roll({x}, {offset}, axis={axis})",
            "tf.roll({x}, {offset}, axis={axis})", axis=ONE_AXIS, min_rank=1,
            jax_rules=("lax.dynamic_slice.jvp",), tf_grads=("manip_grad.Roll",)),
    ArrayOp("min_pool", AXISWISE, "lax.reduce_window({x}, jnp.inf, lax.min, {window}, {strides}, 'SAME')",
            None, axis=ONE_AXIS, min_rank=1,
            jax_rules=("lax.reduce_window_min.jvp", "lax.select_and_gather_add.transpose")),
)  # fmt: skip
