# target: tf-xla
# optimization: nn_grad.SoftmaxCrossEntropyWithLogits
# origin: seed
# parent: -
# description: fused softmax cross entropy with smoothed one-hot labels from an integer input: gradient to the logits and its second order (labels are constants here: TF's fused op has no mixed logits/labels second derivative, tensorflow#26495)
import numpy as np
import tensorflow as tf


def fn(logits, classes):
    labels = tf.one_hot(classes, 6, on_value=0.9, off_value=0.02, dtype=logits.dtype)
    return tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)


def make_inputs():
    rng = np.random.default_rng(36)
    return (rng.standard_normal((4, 6)).astype(np.float32), rng.integers(0, 6, (4,)).astype(np.int32))
