# target: torch-inductor
# optimization: split_cat_unbind_stack
# origin: seed
# parent: -
# mode: inference
# config: pre_grad_fusion_options={'unbind_stack_pass': {}}
# description: unbind followed by stack of all pieces in order on the same dim is removed by the pre-grad unbind_stack_pass (merge_unbind_stack)
import torch


class Model(torch.nn.Module):
    def forward(self, x):
        xs = torch.unbind(x, dim=1)
        y = torch.stack([xs[0], xs[1], xs[2], xs[3]], dim=1)
        return y.sin() + x


def make_inputs():
    return (torch.randn(5, 4, 6),)
