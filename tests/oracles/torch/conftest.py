"""Tests of torch's oracles: each is skipped, naming the extra to install, where torch is not."""

from tests.conftest import mark_folder, requires_torch

pytest_collection_modifyitems = mark_folder(__file__, requires_torch)
