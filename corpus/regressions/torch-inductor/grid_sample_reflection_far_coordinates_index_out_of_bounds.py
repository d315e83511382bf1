# target: torch-inductor
# optimization: decomposition.aten.grid_sampler_2d
# origin: opinfo
# parent: -
# mode: inference
# expect: bug
# symptom: crash
# match: index out of bounds
# oracle: values
# confirmed: torch 2.13.0+cpu
# issue: -
# description: bilinear grid sampling with reflection padding, on grid coordinates far outside [-1, 1] (magnitude ~1000, which reflection padding exists for): eager reflects them back into the image, while Inductor's kernel computes an index outside the 5-pixel row and stops on its bounds check ("index out of bounds"); with coordinates of magnitude 100 both agree (found by an OpInfo bundle on the 'large' input draw in fault-benchmark campaigns, on unpatched torch, minimized by triage; confirmed with plain torch.compile of F.grid_sample)
import torch


def fn(image, grid):
    return torch.nn.functional.grid_sample(
        image, grid, mode="bilinear", padding_mode="reflection", align_corners=False
    )


def make_inputs():
    return (torch.randn(2, 3, 5, 5), torch.randn(2, 5, 5, 2) * 1000.0)
