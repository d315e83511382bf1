"""Target plug-ins, looked up by name; each is imported only when asked for."""

from __future__ import annotations

import importlib

from fuzzfox.targets.base import SettingsError, Target

TARGETS: dict[str, str] = {
    "torch-inductor": "fuzzfox.targets.torch.target:TorchInductorTarget",
    "jax-xla": "fuzzfox.targets.jax.target:JaxXlaTarget",
    "tf-xla": "fuzzfox.targets.tf.target:TfXlaTarget",
}


class UnknownTargetError(ValueError):
    pass


def get_target(name: str) -> Target:
    try:
        module_name, class_name = TARGETS[name].split(":")
    except KeyError:
        raise UnknownTargetError(f"unknown target {name!r} (known: {', '.join(sorted(TARGETS))})") from None
    return getattr(importlib.import_module(module_name), class_name)()


__all__ = ["TARGETS", "SettingsError", "Target", "UnknownTargetError", "get_target"]
