"""Deliberately wrong compilers, for testing that the oracles catch what they should.

Each is a Dynamo backend that hands the graph to Inductor after breaking one thing:

- ``faulty_sigmoid``: every sigmoid is off by a relative 1e-3 (a silent wrong value);
- ``faulty_cat_segfault``: compiling a graph that concatenates segfaults the process
  (a native crash at compile time).

Inductor's own ``cpp.inject_relu_bug_TESTING_ONLY`` covers ReLU (compile error, runtime error,
accuracy); these cover what it does not: a non-ReLU op and a hard crash.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

SIGMOID_ERROR = 1e-3


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


FAULTY_BACKENDS: dict[str, Callable[..., Any]] = {
    "faulty_sigmoid": faulty_sigmoid,
    "faulty_cat_segfault": faulty_cat_segfault,
}
