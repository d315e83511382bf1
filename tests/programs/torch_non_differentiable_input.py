# target: torch-inductor
# optimization: lowering.aten.fractional_max_pool2d
# origin: test
# parent: -
# description: an input an op does not differentiate (fractional pooling's random samples) beside one it does
# Autograd raises when the samples require grad, which left every gradient of such a program
# unchecked ("eager reverse mode raises"): 7 OpInfo bundles of three torch fault campaigns at
# 38f53e9, one of them carrying the faulted mse_loss backward. The samples are held constant now.
import torch
import torch.nn.functional as F


def fn(x, samples):
    pooled = F.fractional_max_pool2d(x.sigmoid(), 2, output_size=(3, 3), _random_samples=samples)
    return pooled * x[..., :3, :3]


def make_inputs():
    generator = torch.Generator().manual_seed(0)
    return (torch.randn(1, 2, 6, 6, generator=generator), torch.rand(1, 2, 2, generator=generator))
