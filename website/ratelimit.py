"""One rate limiter and one client-address rule for every public form and the API.

Who is asking: :func:`client_ip`. Behind reverse proxies ``REMOTE_ADDR`` is the nearest proxy,
and ``X-Forwarded-For`` lists the hops, each proxy appending the address it saw. Anyone can
send an ``X-Forwarded-For`` header, so only the hops appended by proxies we trust count: we walk
the list from the right, skip the proxies named in ``TRUSTED_PROXIES`` and take the first
address that is not one of them. The client-supplied left end is never believed; without a
trusted peer the header is ignored altogether.

How often: django-ratelimit counts attempts per group and key in the default cache (Redis in
production: shared by every worker, atomic increments). A rate is ``(limit, seconds)``;
:func:`throttle` also says how long to wait (for ``Retry-After``).

How long after failing: :class:`Backoff` makes one client wait longer after each failure of
its own (exponential, capped), so guessing is slow while nobody else's failures touch the
counter a real holder is judged by. The counter lives in the same cache.
django_ratelimit is deliberately not in INSTALLED_APPS: its system check refuses the local
in-memory cache, which is right for one development process.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Rate = tuple[int, int]


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in configured)


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted(address, proxies: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in proxies)


def client_ip(request: HttpRequest) -> str:
    """The client's address: the first hop, from the right, that no trusted proxy added."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = trusted_proxies()
    if not _is_trusted(_address(remote), proxies):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    nearest = remote
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        address = _address(hop)
        if address is None:
            # Not an address: nothing left of it can be trusted; the proxy that passed it on
            # is the last address we know.
            return nearest
        if not _is_trusted(address, proxies):
            return str(address)
        nearest = str(address)
    return nearest


def client_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit's key function: one counter per client address."""
    return client_ip(request)


def _usage(request: HttpRequest, group: str, rate: Rate, key: str | None, increment: bool):
    """django-ratelimit's usage, or None when the cache cannot count (the limit then fails open:
    an unreachable Redis must not turn every form into a 500; it is logged)."""
    key_function = client_key if key is None else (lambda _group, _request: key)
    try:
        usage = get_usage(
            request, group=group, key=key_function, rate=tuple(rate), increment=increment
        )
    except Exception:
        logger.warning("限流计数不可用（缓存故障），本次不限流：%s", group, exc_info=True)
        return None
    if usage is not None and not isinstance(usage.get("count"), int):
        # django-redis with IGNORE_EXCEPTIONS answers None instead of raising.
        logger.warning("限流计数不可用（缓存故障），本次不限流：%s", group)
        return None
    return usage


def over_limit(request: HttpRequest, group: str, rate: Rate, *, key: str | None = None) -> bool:
    """Count one attempt (by this client, or under `key`); True once more than the limit."""
    usage = _usage(request, group, rate, key, increment=True)
    return bool(usage and usage["should_limit"])


def limit_reached(request: HttpRequest, group: str, rate: Rate, *, key: str | None = None) -> bool:
    """Without counting: True when the client (or `key`) has used up the limit already."""
    usage = _usage(request, group, rate, key, increment=False)
    return bool(usage and usage["count"] >= usage["limit"])


def record(request: HttpRequest, group: str, rate: Rate, *, key: str | None = None) -> None:
    """Count one attempt that succeeded (for limits on successes only, see ``limit_reached``)."""
    _usage(request, group, rate, key, increment=True)


def throttle(request: HttpRequest, group: str, rate: Rate, *, key: str | None = None) -> int:
    """Count one attempt; 0 when allowed, else the seconds until the window ends (≥ 1)."""
    usage = _usage(request, group, rate, key, increment=True)
    if not usage or not usage["should_limit"]:
        return 0
    return max(1, int(usage.get("time_left") or rate[1]))


def window_left(request: HttpRequest, group: str, rate: Rate, *, key: str | None = None) -> int:
    """Without counting: 0 while under the limit, else the seconds until the window ends."""
    usage = _usage(request, group, rate, key, increment=False)
    if not usage or usage["count"] < usage["limit"]:
        return 0
    return max(1, int(usage.get("time_left") or rate[1]))


# --- exponential back-off on failures --------------------------------------------------------


def _now() -> float:
    return time.time()


@dataclass(frozen=True)
class Backoff:
    """Per-client back-off: `free` failures cost nothing, then each one doubles the wait.

    After failure number ``free + k`` (k ≥ 1) the client waits ``base * 2**(k-1)`` seconds, at
    most `cap`; the count is forgotten `forget` seconds after the last failure. Only the
    client's own failures count, so a stranger guessing elsewhere never delays a holder.
    """

    group: str
    free: int = 3
    base: int = 2
    cap: int = 3600
    forget: int = 86400

    def _cache_key(self, request: HttpRequest, key: str | None) -> str:
        who = client_ip(request) if key is None else key
        digest = hashlib.sha256(f"{self.group}:{who}".encode()).hexdigest()[:32]
        return f"backoff:{digest}"

    def _state(self, request: HttpRequest, key: str | None) -> dict:
        cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
        return cache.get(self._cache_key(request, key)) or {"count": 0, "until": 0.0}

    def failures(self, request: HttpRequest, *, key: str | None = None) -> int:
        """How many failures this client has had (until they are forgotten)."""
        return int(self._state(request, key)["count"])

    def retry_after(self, request: HttpRequest, *, key: str | None = None) -> int:
        """0 when the client may try now, else the whole seconds it must still wait."""
        left = self._state(request, key)["until"] - _now()
        return math.ceil(left) if left > 0 else 0

    def wait_after(self, count: int) -> int:
        """The wait imposed after the `count`-th failure."""
        if count <= self.free:
            return 0
        return min(self.cap, self.base * 2 ** min(count - self.free - 1, 30))

    def fail(self, request: HttpRequest, *, key: str | None = None) -> int:
        """Record one failure; the seconds the client must now wait (0 while still free).

        A read and a write, not atomic: two failures of one client at the same instant may
        count once, which only shortens that client's own wait by one step.
        """
        cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
        state = self._state(request, key)
        count = int(state["count"]) + 1
        wait = self.wait_after(count)
        cache.set(
            self._cache_key(request, key),
            {"count": count, "until": _now() + wait},
            timeout=self.forget + wait,
        )
        return wait

    def succeed(self, request: HttpRequest, *, key: str | None = None) -> None:
        """A success clears the client's failures."""
        cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
        cache.delete(self._cache_key(request, key))
