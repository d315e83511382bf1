"""Campaign options: defaults, a TOML file, the command line, and what a campaign remembers.

Precedence, lowest first: the defaults here, the options the campaign directory was last run
with, a ``--config`` TOML file, then options given on the command line.  A bad value anywhere
is one line naming the key, the value and what was expected.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from pathlib import Path
from typing import Any

from oracles.boundary import DRAWS
from oracles.judge import ORACLES

ROOT = Path(__file__).resolve().parent.parent
GENERATORS = ("llm", "mutate", "synth", "pattern")
NO_LLM = "none"


class ConfigError(ValueError):
    """A bad option; the message is one line."""


@dataclasses.dataclass
class CampaignOptions:
    target: str = "torch-inductor"
    minutes: float | None = None  # this invocation's wall-clock budget
    programs: int | None = None  # programs judged by this invocation
    max_tokens: int | None = None  # LLM tokens over the whole campaign
    max_cost: float | None = None  # LLM cost over the whole campaign
    llm: str = "embedded"  # "embedded[:MODEL]", an http(s) URL, or "none"
    model: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    llm_retries: int = 4
    # The embedded model's threads; while it writes, that many sandbox workers stand aside (see
    # Campaign._workers): llama.cpp's threads slow down many times over on a core a worker also
    # wants (a 135M model took 130 s for 268 tokens beside busy workers).
    llm_threads: int = 1
    llm_backoff: float = 15.0  # seconds before an unavailable LLM is tried again (doubling, up to 10 min)
    temperature: float = 0.8
    analyze: str = "missing"  # derive a missing requirement with the LLM before generating, or "never"
    jobs: int = 2
    batch: int = 4  # programs asked for per round
    examples: int = 3  # k examples per prompt, drawn by Thompson sampling
    # "thompson": k pool programs by Thompson sampling (the feedback loop); "seeds": the hand-written
    # seed examples only, every round (one-shot, no feedback: the baseline bench/ compares against)
    example_selection: str = "thompson"
    # "bandit": each generated torch program is judged under compile settings (dynamic shapes, a
    # second size, fullgraph, Inductor flags) drawn by Thompson sampling (fuzzfox.compile_bandit);
    # "as-written": under its own header only
    compile_settings: str = "bandit"
    optimizations: list[str] = dataclasses.field(default_factory=list)  # only these (default: all)
    generators: dict[str, float] = dataclasses.field(
        default_factory=lambda: {"llm": 2.0, "mutate": 1.0, "synth": 1.0, "pattern": 1.0}
    )
    seeds: list[str] = dataclasses.field(default_factory=list)  # default: corpus/<target>
    seed: int = 0
    patience: int = 4
    backends: list[str] = dataclasses.field(default_factory=list)  # empty: the target's own defaults
    # values: compiled vs eager outputs; grads: reverse vs forward vs numeric gradients, and the
    # compiled backward against eager's.  Both by default: half of the bugs are in autodiff.
    oracles: list[str] = dataclasses.field(default_factory=lambda: list(ORACLES))
    inductor_config: dict[str, Any] = dataclasses.field(default_factory=dict)
    # boundary-valued input draws (zeros, the program's constants, ties, ...: oracles.boundary) each
    # program is also run on after its one compile; 0: the recorded inputs only
    input_draws: int = len(DRAWS)
    timeout: float = 180.0
    memory_gb: float = 16.0
    executor: str = "local"
    ray_address: str | None = None
    recycle_after: int | None = None

    def seed_paths(self) -> list[Path]:
        return [Path(p) for p in self.seeds] or [ROOT / "corpus" / self.target]

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)


FIELDS = {f.name: f for f in dataclasses.fields(CampaignOptions)}
# Options that define a campaign: changing them on resume would mix two campaigns in one store.
FIXED_ON_RESUME = ("target", "seed")


def _check(key: str, value: Any, source: str) -> Any:
    """The value, converted and range-checked for ``key``; ConfigError otherwise."""

    def fail(expected: str) -> ConfigError:
        return ConfigError(f"{source}: {key} must be {expected}, not {value!r}")

    integers = {"programs", "max_tokens", "llm_retries", "llm_threads", "jobs", "batch", "examples",
                "patience", "recycle_after"}  # fmt: skip
    numbers = {"minutes", "max_cost", "temperature", "timeout", "memory_gb", "llm_backoff"}
    if value is None and key in {"minutes", "programs", "max_tokens", "max_cost", "model", "ray_address",
                                 "recycle_after"}:  # fmt: skip
        return None
    if key == "input_draws":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= len(DRAWS):
            raise fail(f"an integer from 0 to {len(DRAWS)}")
        return value
    if key in integers:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < (0 if key == "llm_retries" else 1)
        ):
            raise fail("a positive integer")
        return value
    if key in numbers:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise fail("a non-negative number")
        return float(value)
    if key == "seed":
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail("an integer")
        return value
    if key == "generators":
        if not isinstance(value, dict) or not value:
            raise fail(f"a table of weights for {', '.join(GENERATORS)}")
        for name, weight in value.items():
            if name not in GENERATORS:
                raise ConfigError(f"{source}: unknown generator {name!r} (known: {', '.join(GENERATORS)})")
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
                raise ConfigError(
                    f"{source}: generators.{name} must be a non-negative weight, not {weight!r}"
                )
        if not any(value.values()):
            raise fail("weights of which at least one is positive")
        return {name: float(weight) for name, weight in value.items()}
    if key in {"seeds", "backends", "optimizations"}:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise fail("a list of strings")
        return value
    if key == "oracles":
        if not isinstance(value, list) or not value or not set(value) <= set(ORACLES):
            raise fail(f"a non-empty list of {', '.join(ORACLES)}")
        return [o for o in ORACLES if o in value]
    if key == "inductor_config":
        if not isinstance(value, dict):
            raise fail("a table of Inductor config keys")
        return value
    if key == "analyze" and value not in ("missing", "never"):
        raise fail("'missing' or 'never'")
    if key == "compile_settings" and value not in ("bandit", "as-written"):
        raise fail("'bandit' or 'as-written'")
    if key == "example_selection" and value not in ("thompson", "seeds"):
        raise fail("'thompson' or 'seeds'")
    if key == "executor" and value not in ("local", "ray"):
        raise fail("'local' or 'ray'")
    if not isinstance(value, str):
        raise fail("a string")
    return value


def merge(options: CampaignOptions, values: dict[str, Any], source: str) -> CampaignOptions:
    """Options with ``values`` applied; unknown keys and bad values are a ConfigError."""
    changes = {}
    for key, value in values.items():
        name = key.replace("-", "_")
        if name not in FIELDS:
            raise ConfigError(f"{source}: unknown option {key!r} (known: {', '.join(sorted(FIELDS))})")
        changes[name] = _check(name, value, source)
    return dataclasses.replace(options, **changes)


def load_toml(path: Path) -> dict[str, Any]:
    """A TOML file's options: a flat table, or a ``[campaign]`` table."""
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"no config file {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return data.get("campaign", data) if isinstance(data.get("campaign"), dict) else data


def from_json(text: str) -> dict[str, Any]:
    return {k: v for k, v in json.loads(text).items() if k in FIELDS}
