"""Drive load at one URL on 127.0.0.1 and measure it: Debian's `wrk` when installed, otherwise
a small Python generator (threads, keep-alive http.client connections).

Both are bounded by time; the Python one also by a request count. Only 127.0.0.1 is allowed.
"""

from __future__ import annotations

import http.client
import re
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    tool: str


def run(
    port: int, path: str, *, seconds: float, connections: int = 8, prefer_wrk: bool = True
) -> LoadResult:
    """Load ``http://127.0.0.1:<port><path>`` for ``seconds``."""
    if prefer_wrk and shutil.which("wrk"):
        return run_wrk(port, path, seconds=seconds, connections=connections)
    return run_python(port, path, seconds=seconds, connections=connections)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


# What a browser sends: WhiteNoise then serves the precompressed static file and the page cache
# its gzipped entry, as they would to a visitor.
ACCEPT_ENCODING = "gzip"


def run_wrk(port: int, path: str, *, seconds: float, connections: int) -> LoadResult:
    url = f"http://127.0.0.1:{port}{path}"
    completed = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "-H",
            f"Accept-Encoding: {ACCEPT_ENCODING}",
            "--timeout",
            "10s",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    out = completed.stdout
    total = int(re.search(r"(\d+) requests in ([\d.]+)(\w+)", out).group(1))
    duration_match = re.search(r"requests in ([\d.]+)(ms|s|m)", out)
    duration = (
        float(duration_match.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[duration_match.group(2)]
    )
    # The "Latency Distribution" block: lines "     50%   12.34ms" (not the "+/- Stdev" column).
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        errors += int(non_2xx.group(1))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    return LoadResult(total, errors, duration, total / duration, p50, p99, "wrk")


def run_python(
    port: int, path: str, *, seconds: float, connections: int, max_requests: int = 200_000
) -> LoadResult:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    budget = [max_requests]

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        local: list[float] = []
        local_errors = 0
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            started = time.perf_counter()
            try:
                conn.request(
                    "GET", path, headers={"Host": "127.0.0.1", "Accept-Encoding": ACCEPT_ENCODING}
                )
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    local_errors += 1
            except (OSError, http.client.HTTPException):
                local_errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            local.append((time.perf_counter() - started) * 1000)
        conn.close()
        with lock:
            latencies.extend(local)
            errors[0] += local_errors

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.monotonic() - started
    latencies.sort()
    count = len(latencies)
    p50 = statistics.median(latencies) if latencies else 0.0
    p99 = latencies[min(count - 1, int(count * 0.99))] if latencies else 0.0
    return LoadResult(count, errors[0], duration, count / duration, p50, p99, "python")
