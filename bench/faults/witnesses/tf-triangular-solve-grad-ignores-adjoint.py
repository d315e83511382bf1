# target: tf-xla
# optimization: linalg_grad.MatrixTriangularSolve
# origin: fault-witness
# parent: -
# description: solve with the adjoint of a well-conditioned lower-triangular matrix (adjoint=True)
import numpy as np
import tensorflow as tf


def fn(a, b):
    return tf.linalg.triangular_solve(a, b, lower=True, adjoint=True)


def make_inputs():
    rng = np.random.default_rng(9)
    a = np.tril(rng.uniform(-0.5, 0.5, (4, 4)), -1) + np.diag(rng.uniform(1.5, 2.5, 4))
    return (a.astype(np.float32), rng.standard_normal((4, 3)).astype(np.float32))
