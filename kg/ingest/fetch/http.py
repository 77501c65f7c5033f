"""A polite HTTP GET: one client per run, a minimum interval between requests to the same
host, retries with exponential backoff on 429/5xx and timeouts (honouring ``Retry-After``),
and one-line :class:`~kg.errors.FetchError` messages for everything that still fails.

httpx is the client (timeouts, connection reuse, redirects, a real transport under test).
Waiting goes through ``sleep`` and time through ``clock`` so that unit tests can count
the waits instead of sleeping.
"""
from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import httpx

from kg.errors import FetchError

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Politeness:
    """How gently to ask: ``interval`` seconds at least between two requests to one host,
    ``retries`` more tries after a 429/5xx/timeout, waiting ``backoff`` s, then twice that,
    ... (or what ``Retry-After`` says), never longer than ``max_wait`` s."""

    interval: float = 3.0
    retries: int = 4
    backoff: float = 2.0
    max_wait: float = 120.0
    timeout: float = 30.0


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = now if now is not None else datetime.now(timezone.utc).timestamp()
    return max(0.0, when.timestamp() - current)


class Client:
    """GET with politeness; ``accept(body)`` may reject a 200 answer as transient (for
    example arXiv's occasional empty page), which is then retried like a 503."""

    def __init__(self, politeness: Politeness, *, user_agent: str,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 on_wait: Callable[[str], None] | None = None, transport: Any = None) -> None:
        self.politeness = politeness
        self._sleep = sleep
        self._clock = clock
        self._on_wait = on_wait or (lambda message: None)
        self._last: dict[str, float] = {}
        self._http = httpx.Client(headers={"User-Agent": user_agent}, timeout=politeness.timeout,
                                  follow_redirects=True, transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _pace(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = self.politeness.interval - (self._clock() - last)
            if wait > 0:
                self._sleep(wait)
        self._last[host] = self._clock()

    def get(self, url: str, params: dict[str, str] | None = None,
            accept: Callable[[bytes], str | None] | None = None) -> bytes:
        """The body of ``GET url?params``; raises ``FetchError`` once retries are spent.
        ``accept(body)`` returns None for a usable body or the reason it is not."""
        p = self.politeness
        host = httpx.URL(url).host
        shown = str(httpx.URL(url, params=params))
        problem: str | None = None
        for attempt in range(p.retries + 1):
            self._pace(host)
            wait = p.backoff * (2 ** attempt)
            try:
                response = self._http.get(url, params=params)
            except httpx.ConnectError as exc:
                raise FetchError(f"cannot reach {host}: {_reason(exc)}", where=shown,
                                 hint="check the network connection, or pass --base-url for a mirror") from None
            except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                problem = f"{type(exc).__name__}: {_reason(exc)}"
            except httpx.HTTPError as exc:
                raise FetchError(f"request failed: {_reason(exc)}", where=shown) from None
            else:
                if response.status_code == 200:
                    body = response.content
                    problem = accept(body) if accept else None
                    if problem is None:
                        return body
                elif response.status_code in RETRY_STATUS:
                    problem = f"HTTP {response.status_code}"
                    asked = retry_after(response.headers.get("Retry-After"))
                    if asked is not None:
                        if asked > p.max_wait:
                            raise FetchError(f"HTTP {response.status_code}: the server asks to wait "
                                             f"{asked:.0f} s", where=shown,
                                             hint="try again later; what was fetched so far is kept") from None
                        wait = max(asked, p.interval)
                else:
                    raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}", where=shown,
                                     hint=_status_hint(response.status_code)) from None
            if attempt == p.retries:
                raise FetchError(f"{problem} after {p.retries + 1} tries", where=shown,
                                 hint="try again later; what was fetched so far is kept")
            wait = min(wait, p.max_wait)
            self._on_wait(f"{problem} from {host}; retrying in {wait:.1f} s")
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[-1] if text else type(exc).__name__


def _status_hint(status: int) -> str:
    if status == 404:
        return "check the date or query, and --base-url"
    if status in (401, 403):
        return "the server refuses anonymous access from here; try later or use a mirror with --base-url"
    return "check the request options"
