# target: torch-inductor
# optimization: none
# origin: test
# parent: -
# description: takes a few seconds while loading (used to kill its worker mid-program)
import time

import torch

time.sleep(8)


def fn(x):
    return x + 1


def make_inputs():
    return (torch.ones(2),)
