# target: torch-inductor
# optimization: post_grad.cat_splitwithsizes_replace
# origin: mutate:dtypes+swap_binary+dtypes
# parent: -
# mode: inference
# expect: bug
# symptom: wrong_dtype
# match: dtype: eager float32 vs compiled bfloat16
# confirmed: torch 2.13.0+cpu
# issue: -
# description: post_grad's cat_splitwithsizes_replace folds split_with_sizes(cat([a, b, c]), sizes) into the cat's inputs when the sizes line up, without looking at dtypes: cat promotes a bfloat16 input to float32 (its other inputs' dtype), so eager's first piece is float32 and compiled returns the bfloat16 input itself (and, in training, its gradient is wrong too). Found by a mutant of the seed program during the fault benchmark's campaign, on unpatched torch
import torch


class Model(torch.nn.Module):
    def forward(self, a, b):
        first, second, third = torch.split(torch.cat([a, a, b], dim=1), [1, 1, 1], dim=1)
        return first


def make_inputs():
    return (torch.randn(1, 1, dtype=torch.bfloat16), torch.randn(1, 1))
