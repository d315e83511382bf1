# target: torch-inductor
# optimization: batchnorm_inference_decomposition
# origin: seed
# parent: -
# mode: inference
# description: eval-mode BatchNorm1d without freezing hits the _native_batch_norm_legit_no_training decomposition (running-stat normalization as pointwise code)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = torch.nn.BatchNorm1d(12)
        with torch.no_grad():
            self.bn.running_mean.copy_(torch.randn(12) * 0.2)
            self.bn.running_var.copy_(torch.rand(12) + 0.5)
        self.eval()

    def forward(self, x):
        return self.bn(x).relu()


def make_inputs():
    return (torch.randn(8, 12, 10),)
