"""Header reductions: the compile settings (``# compile:`` and ``# config:`` KEY=VALUE pairs) a
failure may not need, dropped a pair at a time the way Inductor's ``ConfigFuzzer`` bisects them."""

from __future__ import annotations

from collections.abc import Collection

from fuzzfox.program import format_settings, parse_settings

SETTINGS_FIELDS = ("compile", "config")  # header fields of KEY=VALUE pairs a failure may not need


def settings_pairs(metadata: dict[str, str]) -> list[tuple[str, str]]:
    """Every (field, key) settings pair of a header, in order."""
    return [(field, key) for field in SETTINGS_FIELDS for key in parse_settings(metadata.get(field, ""))]


def without_settings(metadata: dict[str, str], pairs: Collection[tuple[str, str]]) -> dict[str, str]:
    """The header with the given (field, key) settings pairs removed (a field left empty goes)."""
    kept = {}
    for field, value in metadata.items():
        if field in SETTINGS_FIELDS:
            settings = parse_settings(value)
            value = format_settings({k: v for k, v in settings.items() if (field, k) not in pairs})
            if not value:
                continue
        kept[field] = value
    return kept
