"""Deliberately wrong compilers, for testing that the oracles catch what they should.

Each is a Dynamo backend that hands the graph to Inductor after breaking one thing:

- ``faulty_sigmoid``: every sigmoid is off by a relative 1e-3 (a silent wrong value);
- ``faulty_cat_segfault``: compiling a graph that concatenates segfaults the process
  (a native crash at compile time);
- ``faulty_backward``: the forward graph compiles correctly, but in every backward graph that
  AOTAutograd hands Inductor the first gradient is off by a relative 1e-3 (a silent wrong
  gradient that only the gradient oracle can see);
- ``faulty_sign_zero``: ``sign(0)`` is 1 instead of 0, as a rewrite that assumed ``x != 0`` would
  compute it: ``randn`` inputs never hit it; only an input with exact zeros does;
- ``faulty_symbolic_sizes``: a graph traced with symbolic sizes (``dynamic=True``, a marked
  dimension, or Dynamo's automatic dynamic after a recompile on a new size) has every floating
  output off by a relative 1e-3, as a kernel that indexes with a wrong symbolic bound would;
  static compiles are correct;
- ``faulty_uint8_neg``: negating a uint8 tensor skips the modulo-256 wraparound (it is computed
  in int16), which reproduces pytorch#93829: ``torch.lt(torch.neg(uint8 6), uint8 4)`` is False
  eagerly (-6 wraps to 250) and was True compiled.  The installed torch has that bug fixed.

Inductor's own ``cpp.inject_relu_bug_TESTING_ONLY`` covers ReLU (compile error, runtime error,
accuracy); these cover what it does not: a non-ReLU op and a hard crash.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

SIGMOID_ERROR = 1e-3
BACKWARD_ERROR = 1e-3


def _is_call(node: Any, functions: tuple[Any, ...], method: str) -> bool:
    if node.op == "call_function":
        return node.target in functions
    return node.op == "call_method" and node.target == method


def faulty_sigmoid(graph_module: Any, example_inputs: list[Any]) -> Callable[..., Any]:
    import operator

    import torch
    from torch._inductor.compile_fx import compile_fx

    sigmoids = (torch.sigmoid, torch.nn.functional.sigmoid, torch.special.expit)
    for node in list(graph_module.graph.nodes):
        if _is_call(node, sigmoids, "sigmoid"):
            with graph_module.graph.inserting_after(node):
                skewed = graph_module.graph.call_function(operator.mul, (node, 1.0 + SIGMOID_ERROR))
            node.replace_all_uses_with(skewed, delete_user_cb=lambda user, new=skewed: user is not new)
    graph_module.recompile()
    return compile_fx(graph_module, example_inputs)


def faulty_cat_segfault(graph_module: Any, example_inputs: list[Any]) -> Callable[..., Any]:
    import torch
    from torch._inductor.compile_fx import compile_fx

    if any(
        _is_call(n, (torch.cat, torch.concat, torch.concatenate), "cat") for n in graph_module.graph.nodes
    ):
        ctypes.string_at(0)  # read address 0: SIGSEGV, as a buggy native compiler would
    return compile_fx(graph_module, example_inputs)


def faulty_backward(graph_module: Any, example_inputs: list[Any]) -> Callable[..., Any]:
    from torch._inductor.compile_fx import compile_fx, compile_fx_inner

    def inner_compile(graph: Any, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("is_backward"):
            _skew_first_gradient(graph)
        return compile_fx_inner(graph, inputs, *args, **kwargs)

    return compile_fx(graph_module, example_inputs, inner_compile=inner_compile)


def _skew_first_gradient(graph_module: Any) -> None:
    """Multiply the backward graph's first tensor output (a gradient) by 1 + BACKWARD_ERROR."""
    import torch

    output = next(node for node in graph_module.graph.nodes if node.op == "output")
    gradients = list(output.args[0])
    first = next((i for i, g in enumerate(gradients) if isinstance(g, torch.fx.Node)), None)
    if first is None:
        return
    with graph_module.graph.inserting_before(output):
        skewed = graph_module.graph.call_function(
            torch.ops.aten.mul.Tensor, (gradients[first], 1.0 + BACKWARD_ERROR)
        )
    skewed.meta = dict(gradients[first].meta)  # same shape and dtype: Inductor reads meta["val"]
    gradients[first] = skewed
    output.args = (tuple(gradients), *output.args[1:])
    graph_module.recompile()


def faulty_sign_zero(graph_module: Any, example_inputs: list[Any]) -> Callable[..., Any]:
    import operator

    import torch
    from torch._inductor.compile_fx import compile_fx

    for node in list(graph_module.graph.nodes):
        if _is_call(node, (torch.sign,), "sign"):
            with graph_module.graph.inserting_after(node):
                is_zero = graph_module.graph.call_function(operator.eq, (node.args[0], 0))
            with graph_module.graph.inserting_after(is_zero):
                skewed = graph_module.graph.call_function(operator.add, (node, is_zero))
            node.replace_all_uses_with(skewed, delete_user_cb=lambda user, new=skewed: user is not new)
    graph_module.recompile()
    return compile_fx(graph_module, example_inputs)


def faulty_uint8_neg(graph_module: Any, example_inputs: list[Any]) -> Callable[..., Any]:
    import operator

    import torch
    from torch._inductor.compile_fx import compile_fx

    for node in list(graph_module.graph.nodes):
        if not _is_call(node, (torch.neg, torch.negative, operator.neg), "neg"):
            continue
        example = node.args[0].meta.get("example_value")
        if isinstance(example, torch.Tensor) and example.dtype == torch.uint8:
            with graph_module.graph.inserting_before(node):
                widened = graph_module.graph.call_method("to", (node.args[0], torch.int16))
            node.args = (widened, *node.args[1:])
    graph_module.recompile()
    return compile_fx(graph_module, example_inputs)


def faulty_symbolic_sizes(graph_module: Any, example_inputs: list[Any]) -> Callable[..., Any]:
    import torch
    from torch._inductor.compile_fx import compile_fx

    def symbolic(node: Any) -> bool:
        value = node.meta.get("example_value", node.meta.get("val"))
        if isinstance(value, torch.SymInt):
            return True
        return isinstance(value, torch.Tensor) and any(isinstance(s, torch.SymInt) for s in value.shape)

    if any(symbolic(node) for node in graph_module.graph.nodes if node.op == "placeholder"):
        output = next(node for node in graph_module.graph.nodes if node.op == "output")
        skewed = []
        for value in output.args[0]:
            example = getattr(value, "meta", {}).get("example_value")
            if isinstance(example, torch.Tensor) and example.is_floating_point():
                with graph_module.graph.inserting_before(output):
                    value = graph_module.graph.call_function(torch.mul, (value, 1.0 + SIGMOID_ERROR))
            skewed.append(value)
        output.args = (tuple(skewed), *output.args[1:])
        graph_module.recompile()
    return compile_fx(graph_module, example_inputs)


FAULTY_BACKENDS: dict[str, Callable[..., Any]] = {
    "faulty_symbolic_sizes": faulty_symbolic_sizes,
    "faulty_sigmoid": faulty_sigmoid,
    "faulty_cat_segfault": faulty_cat_segfault,
    "faulty_backward": faulty_backward,
    "faulty_uint8_neg": faulty_uint8_neg,
    "faulty_sign_zero": faulty_sign_zero,
}
