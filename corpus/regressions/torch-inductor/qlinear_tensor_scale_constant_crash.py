# target: torch-inductor
# optimization: quantization.qlinear#a2545f1a
# origin: pattern
# parent: -
# mode: inference
# config: freezing=True
# expect: bug
# symptom: crash
# match: AssertionError
# confirmed: torch 2.13.0+cpu
# issue: -
# description: under freezing, an int8 linear whose uint8 activation is dequantized with 0-d tensor scale and zero point (dequantize_per_tensor.tensor, as a model holding its qparams as buffers has them) fails to compile: the qlinear lowering asserts that a scale that is no TensorBox is a Python float (mkldnn_lowerings.py qlinear_unary), and the frozen 0-d constant is neither; eager runs it. Found by the pattern-directed generator from the pattern graph of quantization.qlinear_weight_prepack
import torch
import torch.ao.quantization.fx._decomposed  # registers the quantized_decomposed ops


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("x_scale", torch.tensor(0.05))
        self.register_buffer("x_zero_point", torch.tensor(64))
        self.register_buffer("q_weight", torch.randint(-128, 128, (8, 4), dtype=torch.int8))
        self.register_buffer("w_scale", torch.rand(8) * 0.01 + 0.002)
        self.register_buffer("w_zp", torch.zeros(8, dtype=torch.int64))
        self.eval()

    def forward(self, x):
        x = torch.ops.quantized_decomposed.dequantize_per_tensor.tensor(
            x, self.x_scale, self.x_zero_point, 0, 255, torch.uint8
        )
        w = torch.ops.quantized_decomposed.dequantize_per_channel.default(
            self.q_weight, self.w_scale, self.w_zp, 0, -128, 127, torch.int8
        )
        return torch.nn.functional.linear(x, w)


def make_inputs():
    return (torch.randint(0, 256, (4, 4), dtype=torch.uint8),)
