# target: torch-inductor
# optimization: var_mean_welford_reduction
# origin: seed
# parent: -
# mode: inference
# description: torch.var_mean over a 2048-long row (above cpp.use_two_step_variance_threshold) is lowered by var_mean_welford_ to a single welford_reduce reduction
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        var, mean = torch.var_mean(x * 0.5 + 1.0, dim=1, keepdim=True, correction=1)
        return (x - mean) / torch.sqrt(var + 1e-5), var


def make_inputs():
    return (torch.randn(4, 2048),)
