"""Unary pointwise ops: activations and elementwise math, one tensor in, the same shape out.

The order is the order generators draw from (mutation's swap targets, synthesis's draw), so it
is part of what a seed draws.  Ops outside :data:`~fuzzfox.generation.ops.torch.op.REAL` make NaN
or inf on ordinary (randn) inputs: mutation swaps them away, never to them, and synthesis does
not draw them.
"""

from __future__ import annotations

from fuzzfox.generation.ops.torch.op import NONZERO, POSITIVE, REAL, UNARY, Option, TorchOp


def _unary(
    name: str, forms: str, module: str = "", options: tuple[Option, ...] = (), domain: str = REAL
) -> TorchOp:
    keywords = frozenset(option.keyword for option in options)
    return TorchOp(name, UNARY, forms, keywords=keywords, options=options, domain=domain, module=module)


ALPHA = Option("alpha", ("0.5", "2.0"))
# Elementwise math spelled torch.name(x) and x.name(), finite on all of the reals.
MATH = (
    "sin", "cos", "exp", "abs", "neg", "erf", "atan", "asinh", "square", "expm1", "sinh", "cosh",
    "sign", "floor", "ceil", "round", "trunc",
)  # fmt: skip

OPS: tuple[TorchOp, ...] = (
    # ------------------------------------------------------------ activations (with an nn class)
    _unary("relu", "tfm", "ReLU"),
    _unary("gelu", "f", "GELU", (Option("approximate", ("'tanh'",)),)),
    _unary("silu", "f", "SiLU"),
    _unary("tanh", "tfm", "Tanh"),
    _unary("sigmoid", "tfm", "Sigmoid"),
    _unary("hardswish", "f", "Hardswish"),
    _unary("hardsigmoid", "f", "Hardsigmoid"),
    _unary("leaky_relu", "f", "LeakyReLU", (Option("negative_slope", ("0.2", "0.01", "1.5")),)),
    _unary("elu", "f", "ELU", (ALPHA,)),
    _unary("selu", "tf", "SELU"),
    _unary("celu", "tf", "CELU", (ALPHA,)),
    _unary(
        "softplus", "f", "Softplus", (Option("beta", ("2.0", "0.5")), Option("threshold", ("5.0", "1.0")))
    ),
    _unary("mish", "f", "Mish"),
    _unary("relu6", "f", "ReLU6"),
    _unary(
        "hardtanh", "f", "Hardtanh", (Option("min_val", ("-0.5", "-2.0")), Option("max_val", ("0.5", "2.0")))
    ),
    _unary("softsign", "f", "Softsign"),
    _unary("tanhshrink", "f", "Tanhshrink"),
    _unary("logsigmoid", "f", "LogSigmoid"),
    # ------------------------------------------------------------ elementwise math
    *(_unary(name, "tm") for name in MATH),
    # ------------------------------------------------------------ finite on part of the reals only
    _unary("reciprocal", "tm", domain=NONZERO),
    _unary("sqrt", "tm", domain=POSITIVE),
    _unary("rsqrt", "tm", domain=POSITIVE),
    _unary("log", "tm", domain=POSITIVE),
    _unary("log1p", "tm", domain=POSITIVE),
)
