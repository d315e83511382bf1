# target: torch-inductor
# optimization: custom_autograd_function
# origin: test
# parent: -
# mode: training
# description: custom autograd.Function with a wrong jvp (2x, not 3x^2 for x^3); its backward is right
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
        return grad * 3 * x * x

    @staticmethod
    def jvp(ctx, tangent):
        (x,) = ctx.saved_tensors
        return tangent * 2 * x


def fn(x, y):
    return Cube.apply(x) + torch.sin(y)


def make_inputs():
    return (torch.randn(4, 5), torch.randn(4, 5))
