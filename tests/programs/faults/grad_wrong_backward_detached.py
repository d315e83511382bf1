# target: torch-inductor
# optimization: gradient_stop
# origin: test
# parent: -
# mode: training
# description: a wrong custom backward (2x for x^3, jvp right) next to a detach: reverse-vs-forward
# With central differences left out (the program detaches), reverse against forward still
# catches the wrong backward.
import torch


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x

    @staticmethod
    def jvp(ctx, tangent):
        (x,) = ctx.saved_tensors
        return tangent * 3 * x * x


class Model(torch.nn.Module):
    def forward(self, x, y):
        return Cube.apply(x) * torch.sin(y).detach() + y


def make_inputs():
    return (torch.randn(4, 5), torch.randn(4, 5))
