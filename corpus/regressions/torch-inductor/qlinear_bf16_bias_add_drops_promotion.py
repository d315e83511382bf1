# target: torch-inductor
# optimization: quantization.qlinear_weight_prepack#c3c4455d
# origin: pattern
# parent: -
# mode: inference
# config: freezing=True
# expect: bug
# symptom: wrong_dtype
# match: dtype: eager float32 vs compiled bfloat16
# oracle: values
# confirmed: torch 2.13.0+cpu
# issue: -
# description: under freezing, quantization.qlinear_weight_prepack packs a bfloat16 dequantize -> bmm and folds the following add of a float32 bias into the bfloat16 qlinear, so compiled returns bfloat16 where eager's type promotion (bfloat16 + float32 tensor) returns float32 (found by the pattern-directed generator in a fault-benchmark campaign, on unpatched torch, minimized by triage)
import torch
import torch.ao.quantization.fx._decomposed  # registers the quantized_decomposed ops


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("q_weight", torch.randint(-128, 128, (8, 4), dtype=torch.int8))
        self.register_buffer("w_scale", torch.rand(8) * 0.01 + 0.002)
        self.register_buffer("w_zp", torch.zeros((8,), dtype=torch.int64))
        self.register_buffer("b", torch.randn(8))

    def forward(self, x, scale):
        x = torch.ops.quantized_decomposed.dequantize_per_tensor.tensor(x, scale, scale, 0, 255, torch.uint8)
        x = x.to(torch.bfloat16).expand(2, 4, 4)
        w = torch.ops.quantized_decomposed.dequantize_per_channel.default(
            self.q_weight, self.w_scale, self.w_zp, 0, -128, 127, torch.int8
        )
        w = w.to(torch.bfloat16).permute(1, 0).expand(2, 4, 8)
        return torch.bmm(x, w) + self.b


def make_inputs():
    return (torch.randint(0, 256, (2, 4, 4), dtype=torch.uint8), torch.tensor(0.05))
