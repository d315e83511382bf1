# target: torch-inductor
# optimization: split_cat_remove_split_with_size_one
# origin: seed
# parent: -
# mode: inference
# config: pre_grad_fusion_options={'remove_split_with_size_one_pass': {}}
# description: a split producing a single piece is a dummy split removed (users read the input directly) by the pre-grad remove_split_with_size_one_pass
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        (only,) = torch.split(x, [10], dim=1)
        return only.relu() + x.mean(dim=1, keepdim=True)


def make_inputs():
    return (torch.randn(6, 10),)
