# target: torch-inductor
# optimization: quantization.qlinear_binary#b63cfd61
# origin: pattern
# parent: -
# mode: inference
# config: freezing=True
# expect: bug
# symptom: wrong_value
# match: input[1]
# confirmed: torch 2.13.0+cpu
# issue: -
# description: under freezing, a dequantized int8 linear plus a float input is fused into onednn.qlinear_pointwise.binary with the sum accumulated in place: the compiled call overwrites the caller's input tensor with the result (the output is right; eager leaves the input alone; a second call with the same tensors is wrong). A qconv of the same shape does not; found by the pattern-directed generator from the pattern graph of quantization.qlinear_post_op_fusion
import torch
import torch.ao.quantization.fx._decomposed  # registers the quantized_decomposed ops


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("q_weight", torch.randint(-128, 128, (8, 4), dtype=torch.int8))
        self.register_buffer("w_scale", torch.rand(8) * 0.01 + 0.002)
        self.register_buffer("w_zp", torch.zeros(8, dtype=torch.int64))
        self.register_buffer("b", torch.randn(8))
        self.eval()

    def forward(self, x, accum):
        x = torch.ops.quantized_decomposed.dequantize_per_tensor.default(x, 0.05, 64, 0, 255, torch.uint8)
        w = torch.ops.quantized_decomposed.dequantize_per_channel.default(
            self.q_weight, self.w_scale, self.w_zp, 0, -128, 127, torch.int8
        )
        return torch.nn.functional.linear(x, w, self.b) + accum


def make_inputs():
    return (torch.randint(0, 256, (4, 4), dtype=torch.uint8), torch.randn(4, 8))
