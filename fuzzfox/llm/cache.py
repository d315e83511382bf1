"""Content-addressed LLM responses and per-call accounting, in one SQLite file per campaign.

The same request (model, messages, sampling parameters) returns the stored answers without
any HTTP, so a campaign can be replayed exactly; every call, real or cached, is accounted
(purpose, tokens, cost, seconds).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    answers TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY,
    time REAL NOT NULL,
    purpose TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost REAL NOT NULL,
    seconds REAL NOT NULL,
    cached INTEGER NOT NULL
);
"""


@dataclasses.dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    seconds: float = 0.0


@dataclasses.dataclass(frozen=True)
class Totals:
    calls: int
    cache_hits: int
    prompt_tokens: int
    completion_tokens: int
    cost: float


def request_key(model: str, messages: list[dict[str, str]], params: dict[str, Any]) -> str:
    payload = json.dumps({"model": model, "messages": messages, "params": params}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


class LLMCache:
    """One connection shared by the campaign's thread (totals) and the model's writer thread
    (:mod:`fuzzfox.llm.pipeline`): each call holds a lock, so no transaction interleaves."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def get(self, key: str) -> list[str] | None:
        with self._lock:
            row = self.db.execute("SELECT answers FROM responses WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, model: str, answers: list[str]) -> None:
        with self._lock, self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?)",
                (key, model, json.dumps(answers), time.time()),
            )

    def account(self, purpose: str, model: str, usage: Usage, cached: bool) -> None:
        with self._lock, self.db:
            self.db.execute(
                "INSERT INTO calls (time, purpose, model, prompt_tokens, completion_tokens, cost, seconds, "
                "cached) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    time.time(),
                    purpose,
                    model,
                    usage.prompt_tokens,
                    usage.completion_tokens,
                    usage.cost,
                    usage.seconds,
                    int(cached),
                ),
            )

    def totals(self, purpose: str | None = None) -> Totals:
        where, args = ("WHERE purpose = ?", (purpose,)) if purpose else ("", ())
        with self._lock:
            row = self.db.execute(
                "SELECT COUNT(*), COALESCE(SUM(cached), 0), COALESCE(SUM(prompt_tokens), 0), "
                f"COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(cost), 0) FROM calls {where}",
                args,
            ).fetchone()
        return Totals(*row)
