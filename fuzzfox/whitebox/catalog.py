"""The optimization catalog of a target, extracted in a subprocess and cached per framework version.

Extraction imports the framework, which the campaign process never does; it is trusted code
(the installed compiler's own source), so it runs in a plain subprocess, not the sandbox.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from fuzzfox.whitebox.optimization import Optimization

if TYPE_CHECKING:  # a target names its extractor; the catalog needs no target code to run it
    from fuzzfox.targets import Target

# Bumped when extraction records more: a cached catalog of an older format is extracted again.
CATALOG_FORMAT = "-v10"


class CatalogError(RuntimeError):
    pass


def load_catalog(target: Target, cache_dir: Path) -> list[Optimization]:
    if target.extractor is None:
        raise CatalogError(f"target {target.name} has no optimization extractor")
    path = cache_dir / "catalog" / f"{target.name}-{target.version()}{CATALOG_FORMAT}.json"
    if not path.exists():
        result = subprocess.run(
            [sys.executable, "-m", target.extractor], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise CatalogError(f"extracting {target.name} optimizations failed: {last}")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(result.stdout)
        partial.rename(path)
    data = json.loads(path.read_text())
    return [Optimization.from_dict(item) for item in data["optimizations"]]
