"""Cached pages at the edge: gunicorn (production settings) with Varnish in front.

`Varnish` runs Debian's varnishd with deploy/varnish/zhicheng.vcl (its backend pointed at a given
port, its own work directory, foreground, no privilege jail) for this benchmark and for
tests/pagecache/test_varnish.py. `run_edge` starts gunicorn with ``VARNISH_URL`` set (so purges
reach Varnish through `pagecache.frontend.VarnishBackend`) and measures requests per second
through Varnish for a static file and for the cached anonymous pages, medians of ``runs``.

Standalone: ``python -m tests.bench.edge_bench [--quick]`` builds the benchmark data first.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from tests.bench import loadgen

ROOT = Path(__file__).resolve().parents[2]
VCL = ROOT / "deploy" / "varnish" / "zhicheng.vcl"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def varnishd_path() -> str | None:
    """Debian installs varnishd in /usr/sbin, which is not on every user's PATH."""
    return shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin:/usr/local/sbin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def vcl_for_backend(host: str, port: int) -> str:
    """The shipped VCL with its backend pointed at ``host:port`` (nothing else changes)."""
    text = VCL.read_text()
    backend = re.search(r"backend default \{.*?\n\}", text, re.S)
    assert backend, "deploy/varnish/zhicheng.vcl has no `backend default`"
    block = re.sub(r'\.host = "[^"]*";', f'.host = "{host}";', backend.group(0))
    block = re.sub(r'\.port = "[^"]*";', f'.port = "{port}";', block)
    return text[: backend.start()] + block + text[backend.end() :]


def http_request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    """One request to 127.0.0.1:``port``: status, headers (lower-case names), body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        content = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content
    finally:
        connection.close()


class Varnish:
    """varnishd in the foreground on 127.0.0.1:``port`` in front of 127.0.0.1:``backend_port``."""

    def __init__(self, backend_port: int, *, port: int | None = None, memory: str = "64m"):
        self.backend_port = backend_port
        self.port = port or free_port()
        self.memory = memory
        self.workdir = Path(tempfile.mkdtemp(prefix="zc-varnish-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Varnish:
        varnishd = varnishd_path()
        if varnishd is None:
            raise RuntimeError("找不到 varnishd：请安装 Debian 软件包 varnish。")
        vcl = self.workdir / "zhicheng.vcl"
        vcl.write_text(vcl_for_backend("127.0.0.1", self.backend_port))
        self.process = subprocess.Popen(
            [
                varnishd,
                "-F",
                "-j",
                "none",  # no privilege separation: the work directory is ours alone
                "-n",
                str(self.workdir / "n"),
                "-a",
                f"127.0.0.1:{self.port}",
                "-T",
                "127.0.0.1:0",
                "-f",
                str(vcl),
                "-s",
                f"malloc,{self.memory}",
                "-l",
                "4m",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode(errors="replace")
                raise RuntimeError(f"varnishd 未能启动：\n{output}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("varnishd 启动超时")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def forget_everything(self) -> None:
        """Ban every object (between tests), through the management interface."""
        subprocess.run(
            ["varnishadm", "-n", str(self.workdir / "n"), "ban", "req.url", "~", "."],
            check=True,
            capture_output=True,
            timeout=30,
        )

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        """One request through Varnish: status, headers (lower-case names), body."""
        return http_request(self.port, method, path, headers, body)

    def cpu_seconds(self) -> float:
        """CPU time of varnishd's manager and its cache child."""
        total = 0
        pids = [self.process.pid]
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            pids += [int(pid) for pid in children.read_text().split()]
        except OSError:
            pass
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / CLK_TCK


def run_edge(
    env: dict[str, str],
    urls: dict[str, str],
    *,
    runs: int = 3,
    seconds: float = 5,
    connections: int = 8,
    workers: int = 2,
    python_load: bool = False,
) -> dict:
    """req/s through Varnish for the static file and each cached page (medians of ``runs``).

    ``env`` and ``urls`` are those of ``./dev bench`` (`tests.bench.__main__.base_env`,
    `build_dataset`): gunicorn runs with production settings, the page cache on and
    ``VARNISH_URL`` set, as in production.
    """
    from tests.bench.__main__ import PAGES, Server

    port = free_port()
    load = {"seconds": seconds, "connections": connections, "prefer_wrk": not python_load}
    edge_env = {**env, "VARNISH_URL": f"http://127.0.0.1:{port}"}
    # The static file first: the pages are compared with it.
    pages = sorted(PAGES, key=lambda page: page[0] != "static file")
    with Server(edge_env, cached=True, workers=workers) as server:
        with Varnish(server.port, port=port) as varnish:
            targets = [(label, varnish.port, template.format(**urls)) for label, template in pages]
            pages_results = _measure_interleaved(varnish, targets, runs, load)
            backend_requests = server.served()
            # The same static file and home page straight from gunicorn, for comparison.
            direct = [(label, server.port, path) for label, _, path in targets[:2]]
            gunicorn_results = _measure_interleaved(varnish, direct, runs, load)
    results: dict = {
        "pages": pages_results,
        "gunicorn": gunicorn_results,
        "backend_requests_during_load": backend_requests,
    }
    # Each round's page against the same round's static file, then the median of those ratios.
    static_runs = [run["rps"] for run in results["pages"]["static file"]["runs"]]
    for page in results["pages"].values():
        ratios = [run["rps"] / base for run, base in zip(page["runs"], static_runs, strict=True)]
        page["ratio_to_static"] = statistics.median(ratios)
    results["aims"] = [
        f"{label} through Varnish: {page['rps']:.0f} req/s, {page['ratio_to_static']:.0%} of the "
        f"static file's rate (aim ≥ 50%): "
        + ("met" if page["ratio_to_static"] >= 0.5 and page["x_cache"] == "HIT" else "MISSED")
        for label, page in results["pages"].items()
        if label != "static file"
    ]
    return results


def _measure_interleaved(
    varnish: Varnish, targets: list[tuple[str, int, str]], runs: int, load: dict
) -> dict:
    """Median of ``runs`` load runs per (label, port, path), taken in turns (run 1 of each
    target, then run 2 …) so that other load on a shared machine hits every target alike."""
    headers = {"Accept-Encoding": loadgen.ACCEPT_ENCODING}
    results: dict = {}
    for label, port, path in targets:
        http_request(port, "GET", path, headers)  # the miss that fills Varnish
        status, response, _ = http_request(port, "GET", path, headers)
        x_cache = response.get("x-cache") or response.get("x-page-cache")
        results[label] = {"path": path, "status": status, "x_cache": x_cache, "runs": []}
    for _ in range(runs):
        for label, port, path in targets:
            cpu_before = varnish.cpu_seconds()
            result = loadgen.run(port, path, **load)
            cpu = varnish.cpu_seconds() - cpu_before
            results[label]["runs"].append(
                {
                    "rps": result.rps,
                    "p50_ms": result.p50_ms,
                    "p99_ms": result.p99_ms,
                    "errors": result.errors,
                    "varnish_cpu_us_per_request": 1e6 * cpu / max(1, result.requests),
                    "tool": result.tool,
                }
            )
    for page in results.values():
        for key in ("rps", "p50_ms", "p99_ms", "varnish_cpu_us_per_request"):
            page[key] = statistics.median(run[key] for run in page["runs"])
        page["errors"] = sum(run["errors"] for run in page["runs"])
    return results


def table(results: dict) -> str:
    lines = [
        "| through Varnish | req/s | of static | p50 | p99 | Varnish CPU µs/req | X-Cache |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, page in results["pages"].items():
        lines.append(
            f"| {label} | {page['rps']:.0f} | {page['ratio_to_static']:.0%}"
            f" | {page['p50_ms']:.2f} ms | {page['p99_ms']:.2f} ms"
            f" | {page['varnish_cpu_us_per_request']:.0f} | {page['x_cache']} |"
        )
    for label, page in results.get("gunicorn", {}).items():
        lines.append(
            f"| {label}, gunicorn alone (page cache) | {page['rps']:.0f} | – | {page['p50_ms']:.2f} ms"
            f" | {page['p99_ms']:.2f} ms | – | {page['x_cache']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    import json

    from tests.bench.__main__ import base_env, build_dataset

    parser = argparse.ArgumentParser(prog="python -m tests.bench.edge_bench")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args(argv)
    scale = (
        {"notices": 20, "names": 3000, "pages": 300, "certificates": 20}
        if args.quick
        else {"notices": 200, "names": 3000, "pages": 10000, "certificates": 100}
    )
    var = Path(tempfile.mkdtemp(prefix="zc-edge-bench-"))
    try:
        env = base_env(var, os.environ.get("DATABASE_URL"))
        urls = build_dataset(env, argparse.Namespace(**scale))
        results = run_edge(
            env, urls, runs=args.runs, seconds=args.seconds, connections=args.connections
        )
    finally:
        shutil.rmtree(var, ignore_errors=True)
    print(table(results))
    for line in results["aims"]:
        print(f"- {line}")
    print(f"(gunicorn answered {results['backend_requests_during_load']} requests in all)")
    Path(ROOT / "bench-results").mkdir(exist_ok=True)
    (ROOT / "bench-results" / "edge.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2)
    )


if __name__ == "__main__":
    main()
