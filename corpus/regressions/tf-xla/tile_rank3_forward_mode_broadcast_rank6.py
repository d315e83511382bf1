# target: tf-xla
# optimization: array_grad.Tile
# origin: seed
# parent: -
# expect: bug
# symptom: crash
# match: is not supported yet
# oracle: values,grads
# confirmed: tensorflow 2.21.0
# issue: -
# description: forward mode (tf.autodiff.ForwardAccumulator) through tf.tile of a rank-3 tensor whose every multiple is > 1 raises UnimplementedError "Broadcast between [1,2,1,2,1,2] and [2,2,2,2,2,2] is not supported yet": the jvp TF derives from Tile's gradient broadcasts in rank 6, past BroadcastTo's kernel; reverse mode, rank 2, or a multiple of 1 on some axis work (found as an unpatched-failing cluster of the tf MirrorPad fault campaign at 58ea253, a synthesized program; confirmed with plain TF)
import numpy as np
import tensorflow as tf


def fn(x):
    return tf.tile(x, [2, 2, 2])


def make_inputs():
    return (np.arange(8, dtype=np.float32).reshape(2, 2, 2),)
