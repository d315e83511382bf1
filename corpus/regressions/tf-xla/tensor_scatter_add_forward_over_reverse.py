# target: tf-xla
# optimization: array_grad.TensorScatterAdd
# origin: seed
# parent: -
# expect: bug
# symptom: crash
# match: AttributeError: 'IndexedSlices' object has no attribute '_id'
# oracle: values,grads
# confirmed: tensorflow 2.21.0
# issue: -
# description: forward-over-reverse (a ForwardAccumulator around a GradientTape) through tf.tensor_scatter_nd_add raises in TensorScatterAdd's gradient (gather_nd of the upstream gradient gives IndexedSlices the accumulator cannot track); reverse and forward mode alone work
import numpy as np
import tensorflow as tf


def fn(x):
    return tf.tensor_scatter_nd_add(x, [[0]], [1.0]) ** 2


def make_inputs():
    return (np.ones(2, np.float32),)
