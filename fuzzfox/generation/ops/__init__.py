"""Registries of the ops the LLM-free generators know: one package per framework family.

:mod:`fuzzfox.generation.ops.torch` holds torch's (what mutation, synthesis and the tensor-fact
inference read), :mod:`fuzzfox.generation.ops.array` the jax-xla and tf-xla ones (what
``mutate_array`` and ``synth_array`` read).  Each has one module per op family.  Nothing here
imports a framework.
"""
