# target: tf-xla
# optimization: nn_grad.SoftmaxCrossEntropyWithLogits
# origin: test
# description: tf.nn.softmax_cross_entropy_with_logits with labels that are no distribution
# The reproducer of a cluster in four tf fault campaigns at 58ea253 and a7432bf (mutation put the
# logits in the labels' place). TF documents that each row of labels must be a probability
# distribution; its gradient softmax(logits) - labels is the derivative of the loss only where a
# row sums to 1 (here off by (sum - 1) * softmax), so reverse mode disagrees with the central
# difference by the op's contract, not by a wrong rule: grad_contract.
import numpy as np
import tensorflow as tf


def fn(logits):
    return tf.nn.softmax_cross_entropy_with_logits(labels=logits, logits=logits)


def make_inputs():
    rng = np.random.default_rng(1)
    return (rng.standard_normal((2, 3)).astype(np.float32),)
