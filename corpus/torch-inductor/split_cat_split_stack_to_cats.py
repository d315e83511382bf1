# target: torch-inductor
# optimization: split_cat_split_stack_to_cats
# origin: seed
# parent: -
# mode: inference
# config: pre_grad_fusion_options={'split_stack_to_cats_pass': {}}
# description: stack of all equal-size split pieces in order is rewritten into a view of the split input (cat of the pieces == input) by the pre-grad split_stack_to_cats_pass
import torch


class Model(torch.nn.Module):
    def forward(self, x, y):
        p = torch.split(x, [4, 4, 4, 4], dim=1)
        s = torch.stack([p[0], p[1], p[2], p[3]], dim=1)
        return s.tanh() * y.unsqueeze(1)


def make_inputs():
    return (torch.randn(3, 16), torch.randn(3, 4))
