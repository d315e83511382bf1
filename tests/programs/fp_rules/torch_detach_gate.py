# target: torch-inductor
# optimization: gradient_stop
# origin: test
# parent: -
# mode: training
# description: a straight-through gate: a detached sin factor and a cosine from a no_grad block
# Autodiff holds both constant while central differences move them; forward-mode AD ignores
# no_grad, so forward mode disagrees with reverse mode too.
import torch


class Model(torch.nn.Module):
    def forward(self, x, y):
        with torch.no_grad():
            scale = torch.cos(y)
        return x * torch.sin(x).detach() + y * scale


def make_inputs():
    return (torch.randn(4, 5), torch.randn(4, 5))
