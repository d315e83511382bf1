# target: torch-inductor
# description: forks a child that would outlive the program, and returns from both
import os
import time

import torch

if os.fork() == 0:
    time.sleep(3600)


class Model(torch.nn.Module):
    def forward(self, x):
        return x - 1


def make_inputs():
    return (torch.randn(2),)
