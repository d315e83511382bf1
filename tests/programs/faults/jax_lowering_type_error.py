# target: jax-xla
# optimization: mlir.lowering
# origin: test
# description: an injected compiler fault: a lowering rule raising a trace-time-looking TypeError
# The primitive's op-by-op implementation and abstract evaluation are right, its XLA lowering
# raises a TypeError in the words of a trace-time type check: jit traces it fine and fails while
# lowering, a compiler crash for values (jit of fn) and gradients (jit of grad) alike.
import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.core import Primitive
from jax.interpreters import ad, mlir

double_p = Primitive("fuzzfox_double")
double_p.def_impl(lambda x: np.asarray(x) * 2)
double_p.def_abstract_eval(lambda x: jax.core.ShapedArray(x.shape, x.dtype))
ad.defjvp(double_p, lambda tangent, x: tangent * 2)


def _broken_lowering(ctx, x):
    raise TypeError("fuzzfox_double lowering: operand and result must have identical types")


mlir.register_lowering(double_p, _broken_lowering)


def fn(x):
    return jnp.sin(double_p.bind(x))


def make_inputs():
    return (np.linspace(-1.0, 1.0, 4).astype(np.float32),)
