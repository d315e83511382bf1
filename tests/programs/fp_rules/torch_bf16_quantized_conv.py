# target: torch-inductor
# optimization: quantization.qconv
# origin: pattern
# parent: -
# mode: inference
# config: freezing=True
# description: an int8 conv in bf16 requantized to uint8: Inductor's onednn qconv lands up to 2 apart
import torch
import torch.ao.quantization.fx._decomposed  # registers the quantized_decomposed ops

quantized = torch.ops.quantized_decomposed


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("q_weight", torch.randint(-128, 128, (8, 4, 3, 3), dtype=torch.int8))
        self.register_buffer("w_scale", torch.rand(8) * 0.01 + 0.002)
        self.register_buffer("w_zp", torch.zeros(8, dtype=torch.int64))
        self.register_buffer("b", torch.randn(8))
        self.eval()

    def forward(self, x):
        x = quantized.dequantize_per_tensor.default(x, 0.05, 64, 0, 255, torch.uint8).to(torch.bfloat16)
        w = quantized.dequantize_per_channel.default(
            self.q_weight, self.w_scale, self.w_zp, 0, -128, 127, torch.int8
        )
        y = torch.nn.functional.conv2d(x, w.to(torch.bfloat16), self.b.to(torch.bfloat16), 1, 1)
        y = torch.nn.functional.silu(y.float()).to(torch.bfloat16)
        return quantized.quantize_per_tensor.default(y, 0.05, 64, 0, 255, torch.uint8)


def make_inputs():
    return (torch.randint(0, 256, (2, 4, 8, 8), dtype=torch.uint8),)
