"""website.ratelimit: one client-address rule (trusted proxies only) and one rate limiter."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from website import ratelimit

PROXY = "10.0.0.5"
CLIENT = "203.0.113.7"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _request(remote: str = PROXY, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert ratelimit.client_ip(_request(CLIENT, "1.2.3.4")) == CLIENT


def test_spoofed_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert ratelimit.client_ip(_request(CLIENT, "1.2.3.4, 5.6.7.8")) == CLIENT


def test_trusted_proxy_names_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ratelimit.client_ip(_request(PROXY, CLIENT)) == CLIENT


def test_client_supplied_first_hop_is_never_believed(settings):
    # The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended the address it saw.
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ratelimit.client_ip(_request(PROXY, f"1.2.3.4, {CLIENT}")) == CLIENT


def test_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]
    forwarded = f"1.2.3.4, {CLIENT}, 192.0.2.1, 10.1.1.1"
    assert ratelimit.client_ip(_request(PROXY, forwarded)) == CLIENT


def test_garbage_hop_stops_the_walk(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ratelimit.client_ip(_request(PROXY, f"{CLIENT}, not-an-ip")) == PROXY
    assert ratelimit.client_ip(_request(PROXY, "")) == PROXY


def test_ipv6_proxies(settings):
    settings.TRUSTED_PROXIES = ["2001:db8::/32"]
    assert ratelimit.client_ip(_request("2001:db8::1", "2001:db8:ffff::9, 2a00::1")) == "2a00::1"


def test_over_limit_counts_every_attempt_per_client():
    rate = (2, 600)
    first, other = _request(CLIENT), _request("198.51.100.1")
    assert not ratelimit.over_limit(first, "t", rate)
    assert not ratelimit.over_limit(first, "t", rate)
    assert ratelimit.over_limit(first, "t", rate)
    assert not ratelimit.over_limit(other, "t", rate)
    assert not ratelimit.over_limit(first, "another group", rate)


def test_explicit_key_counts_across_clients():
    rate = (1, 600)
    assert not ratelimit.over_limit(_request(CLIENT), "n", rate, key="TOUTUNHE-2024-000001")
    assert ratelimit.over_limit(_request("198.51.100.1"), "n", rate, key="TOUTUNHE-2024-000001")


def test_limit_reached_only_counts_recorded_successes():
    rate = (2, 600)
    request = _request(CLIENT)
    for _ in range(5):
        assert not ratelimit.limit_reached(request, "s", rate)  # looking never counts
    ratelimit.record(request, "s", rate)
    assert not ratelimit.limit_reached(request, "s", rate)
    ratelimit.record(request, "s", rate)
    assert ratelimit.limit_reached(request, "s", rate)


def test_setting_is_read_from_the_environment(monkeypatch):
    import importlib

    import website.settings.base as base

    monkeypatch.setenv("TRUSTED_PROXIES", " 10.0.0.1, 172.16.0.0/12 ,")
    try:
        assert importlib.reload(base).TRUSTED_PROXIES == ["10.0.0.1/32", "172.16.0.0/12"]
        monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.300")
        with pytest.raises(ValueError):
            importlib.reload(base)
    finally:
        monkeypatch.delenv("TRUSTED_PROXIES")
        importlib.reload(base)


def test_throttle_says_how_long_to_wait():
    request = _request(CLIENT)
    assert [ratelimit.throttle(request, "t:throttle", (2, 60)) for _ in range(2)] == [0, 0]
    wait = ratelimit.throttle(request, "t:throttle", (2, 60))
    assert 1 <= wait <= 60
    assert ratelimit.window_left(request, "t:throttle", (2, 60)) >= 1
    assert ratelimit.throttle(_request("198.51.100.1"), "t:throttle", (2, 60)) == 0


def test_backoff_doubles_after_free_failures_per_client_and_is_forgotten(monkeypatch):
    now = [5_000.0]
    monkeypatch.setattr(ratelimit, "_now", lambda: now[0])
    backoff = ratelimit.Backoff("t:backoff", free=2, base=3, cap=20)
    me, other = _request(CLIENT), _request("198.51.100.1")
    assert [backoff.fail(me) for _ in range(6)] == [0, 0, 3, 6, 12, 20]  # capped
    assert backoff.retry_after(me) == 20 and backoff.failures(me) == 6
    now[0] += 19.5
    assert backoff.retry_after(me) == 1  # whole seconds, rounded up
    # Another client's record is its own.
    assert backoff.retry_after(other) == 0 and backoff.failures(other) == 0
    backoff.succeed(me)
    assert backoff.failures(me) == 0 and backoff.retry_after(me) == 0
    # A key instead of the client address (e.g. one account).
    backoff.fail(me, key="k")
    assert backoff.failures(other, key="k") == 1
