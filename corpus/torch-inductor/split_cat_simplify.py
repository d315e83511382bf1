# target: torch-inductor
# optimization: split_cat_simplify
# origin: seed
# parent: -
# mode: inference
# config: pre_grad_fusion_options={'split_cat_pass': {}}
# description: consecutive split getitems concatenated back (with extra tensors) on the split dim are simplified by the pre-grad split_cat_pass (SplitCatSimplifier merges or removes the split/cat)
import torch


class Model(torch.nn.Module):
    def forward(self, x, y):
        parts = torch.split(x, [2, 3, 3, 4], dim=1)
        z = torch.cat([parts[0], parts[1], parts[2], y, parts[3]], dim=1)
        return z * 2.0 + 1.0


def make_inputs():
    return (torch.randn(4, 12), torch.randn(4, 5))
