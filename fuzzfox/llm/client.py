"""One client for any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp server).

Retries are ours, not the openai package's (it is built with ``max_retries=0``), so each one is
reported and the policy is testable: 429, 5xx, connection errors and timeouts are retried with
exponential backoff and jitter; other 4xx fail at once.  The API key is read from the
environment at call time and never stored, logged, or put in a cache key.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import random
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from fuzzfox.llm.cache import LLMCache, Usage, request_key

LOCAL_PLACEHOLDER_KEY = "no-key-needed-for-a-local-server"


class LLMError(RuntimeError):
    """An LLM call failed; the message is one line a user can act on."""


class LLMEndpointDown(LLMError):
    pass


class LLMMarkedDown(LLMEndpointDown):
    """Down for the rest of this run (an embedded server that kept crashing): no retry will help."""


class LLMMissingKey(LLMError):
    pass


class LLMRequestError(LLMError):
    pass


@dataclasses.dataclass(frozen=True)
class LLMSettings:
    base_url: str
    model: str
    api_key_env: str = "OPENAI_API_KEY"
    temperature: float = 0.2
    max_tokens: int = 1024
    timeout_s: float = 300.0
    max_retries: int = 4
    backoff_s: float = 2.0
    price_in_per_million: float = 0.0  # for cost accounting; 0 for a local model
    price_out_per_million: float = 0.0


def is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class LLMClient:
    def __init__(
        self,
        settings: LLMSettings,
        cache: LLMCache | None = None,
        purpose: str = "llm",
        on_retry: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        guard: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.purpose = purpose
        self.on_retry = on_retry
        self.sleep = sleep
        # Called before every attempt; raises LLMEndpointDown when the endpoint is known to be down
        # (the embedded server's supervisor), so no attempt waits on a dead server.
        self.guard = guard
        self.attempts = 0  # HTTP attempts made, for reporting and tests

    def api_key(self) -> str:
        key = os.environ.get(self.settings.api_key_env)
        if key:
            return key
        if is_loopback(self.settings.base_url):
            return LOCAL_PLACEHOLDER_KEY
        raise LLMMissingKey(f"{self.settings.api_key_env} is not set; needed for {self.settings.base_url}")

    def complete(self, messages: list[dict[str, str]], n: int = 1, seed: int | None = None) -> list[str]:
        """``n`` answers to a chat; from the cache when this exact request was made before."""
        params = {
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
            "n": n,
            "seed": seed,
        }
        key = request_key(self.settings.model, messages, params)
        if self.cache is not None and (answers := self.cache.get(key)) is not None:
            self.cache.account(self.purpose, self.settings.model, Usage(), cached=True)
            return answers
        api_key = self.api_key()
        answers, usage = [], Usage()
        while len(answers) < n:  # some servers (llama.cpp) return one choice whatever n is
            # A fixed seed would make a one-choice server repeat the same answer n times.
            next_seed = None if seed is None else seed + len(answers)
            more, used = self._request(messages, n - len(answers), next_seed, api_key)
            answers += more
            usage = Usage(
                usage.prompt_tokens + used.prompt_tokens,
                usage.completion_tokens + used.completion_tokens,
                usage.cost + used.cost,
                usage.seconds + used.seconds,
            )
        if self.cache is not None:
            self.cache.put(key, self.settings.model, answers)
            self.cache.account(self.purpose, self.settings.model, usage, cached=False)
        return answers

    def _request(
        self, messages: list[dict[str, str]], n: int, seed: int | None, api_key: str
    ) -> tuple[list[str], Usage]:
        import openai

        client = openai.OpenAI(
            base_url=self.settings.base_url, api_key=api_key, timeout=self.settings.timeout_s, max_retries=0
        )
        extra: dict[str, Any] = {"seed": seed} if seed is not None else {}
        for attempt in range(1, self.settings.max_retries + 2):
            try:
                if self.guard is not None:
                    self.guard()  # LLMMarkedDown goes straight up; a restart under way is retried
                self.attempts += 1
                started = time.monotonic()
                response = client.chat.completions.create(
                    model=self.settings.model,
                    messages=messages,  # type: ignore[arg-type]
                    temperature=self.settings.temperature,
                    max_tokens=self.settings.max_tokens,
                    n=n,
                    **extra,
                )
                return _answers(response), self._usage(response, time.monotonic() - started)
            except LLMMarkedDown:
                raise
            except (LLMEndpointDown, LLMRequestError) as error:  # a restart under way, a garbled answer
                failure: Exception = error
            except (openai.APIConnectionError, openai.APITimeoutError) as error:
                failure = LLMEndpointDown(
                    f"cannot reach {self.settings.base_url} after {attempt} attempts: {_reason(error)}"
                )
            except openai.APIStatusError as error:
                if error.status_code != 429 and error.status_code < 500:
                    raise LLMRequestError(
                        f"{self.settings.base_url} refused the request: HTTP {error.status_code} "
                        f"{_reason(error)}"
                    ) from None
                failure = LLMRequestError(
                    f"{self.settings.base_url} answered HTTP {error.status_code} {attempt} times"
                )
            except openai.APIError as error:  # a body openai cannot read
                failure = LLMRequestError(
                    f"{self.settings.base_url} gave an unreadable answer: {_reason(error)}"
                )
            if attempt > self.settings.max_retries:
                raise failure
            delay = self.settings.backoff_s * 2 ** (attempt - 1) * (1 + random.random() / 4)
            if self.on_retry:
                self.on_retry(f"{failure}; retrying in {delay:.1f} s")
            self.sleep(delay)
        raise AssertionError("unreachable")

    def _usage(self, response: Any, seconds: float) -> Usage:
        usage = getattr(response, "usage", None)
        prompt = getattr(usage, "prompt_tokens", 0) or 0
        completion = getattr(usage, "completion_tokens", 0) or 0
        cost = (
            prompt * self.settings.price_in_per_million + completion * self.settings.price_out_per_million
        ) / 1e6
        return Usage(prompt, completion, cost, seconds)


def _answers(response: Any) -> list[str]:
    try:
        return [choice.message.content or "" for choice in response.choices]
    except (AttributeError, TypeError):
        raise LLMRequestError(f"the answer is no chat completion: {str(response)[:120]!r}") from None


def _reason(error: Exception) -> str:
    cause = error.__cause__ or error
    text = str(cause).strip().splitlines()
    return text[0][:200] if text else type(cause).__name__
