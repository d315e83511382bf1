"""Tests of the tf-xla target: each is skipped, naming the extra to install, where tensorflow is not."""

from tests.conftest import mark_folder, requires_tf

pytest_collection_modifyitems = mark_folder(__file__, requires_tf)
