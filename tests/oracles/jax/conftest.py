"""Tests of JAX's oracles: each is skipped, naming the extra to install, where jax is not."""

from tests.conftest import mark_folder, requires_jax

pytest_collection_modifyitems = mark_folder(__file__, requires_jax)
