# target: torch-inductor
# optimization: -
# origin: campaign
# parent: -
# mode: training
# compile: dynamic=True
# expect: bug
# symptom: crash
# match: cannot determine truth value of Relational
# confirmed: torch 2.13.0+cpu
# issue: -
# description: torch.compile(dynamic=True) of a 1x1 Conv2d on a permuted (1, 1, 2, 1) input raises InductorError (TypeError: cannot determine truth value of Relational: 1 < s53) at compilation; static shapes, or the same call under torch.no_grad (an inference graph), compile and agree: it needs the training graph of the conv's parameters (found by the compile-settings bandit's dynamic arm on a synth program in a 30-minute campaign on unpatched torch, minimized by triage)
import torch


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 1, kernel_size=1)

    def forward(self, x):
        return self.conv(torch.permute(x, (3, 1, 0, 2)))


def make_inputs():
    return (torch.randn(1, 1, 2, 1),)
