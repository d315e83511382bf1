# target: jax-xla
# optimization: lax.triangular_solve.transpose
# origin: fault-witness
# parent: -
# description: unit-lower-triangular solve (unit_diagonal=True) with a stored diagonal that is not ones: the diagonal must be ignored in both directions
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np


def fn(a, b):
    return jsl.solve_triangular(a, b, lower=True, unit_diagonal=True) * 0.5


def make_inputs():
    a = np.tril(np.random.uniform(-0.4, 0.4, size=(4, 4)), -1) + np.diag(np.random.uniform(2.0, 3.0, size=4))
    b = np.random.standard_normal((4, 3))
    return (a.astype(np.float32), b.astype(np.float32))
