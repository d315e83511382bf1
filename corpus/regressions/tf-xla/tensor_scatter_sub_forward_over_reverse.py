# target: tf-xla
# optimization: array_grad.TensorScatterSub
# origin: seed
# parent: -
# expect: bug
# symptom: crash
# match: AttributeError: 'IndexedSlices' object has no attribute '_id'
# oracle: values,grads
# confirmed: tensorflow 2.21.0
# issue: -
# description: forward-over-reverse (a ForwardAccumulator around a GradientTape) through tf.tensor_scatter_nd_sub raises in TensorScatterSub's gradient (_TensorScatterSubGrad gathers the upstream gradient into IndexedSlices the accumulator cannot track), like tensor_scatter_nd_add; reverse and forward mode alone work
import numpy as np
import tensorflow as tf


def fn(x):
    return tf.tensor_scatter_nd_sub(x, [[0]], x[1:] * 2.0) ** 2


def make_inputs():
    return (np.array([1.0, -2.0], np.float32),)
