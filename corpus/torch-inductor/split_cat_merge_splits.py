# target: torch-inductor
# optimization: split_cat_merge_splits
# origin: seed
# parent: -
# mode: inference
# config: pre_grad_fusion_options={'merge_splits_pass': {}}
# description: a split whose piece is split again on the same dim is merged into one split_with_sizes by the pre-grad split_cat merge_splits pass
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        a, b = torch.split(x, [4, 12], dim=1)
        c, d, e = torch.split(b, [3, 4, 5], dim=1)
        return (
            a.sum(dim=1, keepdim=True) * c.mean(dim=1, keepdim=True)
            + d.relu().sum(dim=1, keepdim=True)
            - e.amax(dim=1, keepdim=True)
        )


def make_inputs():
    return (torch.randn(6, 16),)
