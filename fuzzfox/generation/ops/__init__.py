"""Registries of the ops the LLM-free generators know: one package per framework family.

:mod:`fuzzfox.generation.ops.torch` holds torch's (what mutation, synthesis and the tensor-fact
inference read); the jax-xla and tf-xla ops are in :mod:`fuzzfox.generation.array_ops`.
Nothing here imports a framework.
"""
