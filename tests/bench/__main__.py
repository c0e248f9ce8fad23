"""The benchmark command: ``./dev bench`` (``python -m tests.bench``); ``--quick`` for a smoke run.

1. Builds the scaled-up dataset in a temporary directory (SQLite there, or ``DATABASE_URL``):
   200 notices, a running publicity of 3,000 names, 10,000 searchable pages, 1,000 certificates.
2. Starts the production server (gunicorn with this repo's config, production settings, a
   generated SECRET_KEY, 2 workers) on 127.0.0.1, once with the page cache off (``PAGE_CACHE=0``)
   and once on, and drives load at each page from a second process (``wrk``, else Python).
3. For each page: requests/s, p50 and p99 latency, server CPU per request (utime + stime of the
   gunicorn workers from /proc, before and after, divided by the requests), median of 3 runs;
   worker RSS before and after. Prints one table and writes ``bench-results/bench.json``.
4. Prints the issuance and search figures of the approvals and search benchmarks when present.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import loadgen
from .edge_bench import run_edge, varnishd_path
from .edge_bench import table as edge_table

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def ensure_wrk() -> None:
    """Install Debian's wrk when it is missing and we may (root or sudo); else Python load."""
    if shutil.which("wrk") or not shutil.which("apt-get"):
        return
    prefix = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if prefix is None:
        return
    say("安装 wrk（Debian 软件包）")
    subprocess.run(
        [
            *prefix,
            "env",
            "DEBIAN_FRONTEND=noninteractive",
            "apt-get",
            "install",
            "-y",
            "-qq",
            "wrk",
        ],
        capture_output=True,
        timeout=300,
    )


def base_env(var: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(
        VAR_DIR=str(var),
        STATIC_ROOT=str(var / "static"),
        SIGNING_KEK=base64.b64encode(secrets.token_bytes(32)).decode(),
        ID_HASH_KEY=secrets.token_urlsafe(32),
        # One load generator, one client address: measure the page, not the per-client throttle.
        VERIFY_NUMBER_LOOKUPS_PER_MINUTE="1000000000",
        LOG_LEVEL="WARNING",
    )
    # The page cache: a file cache in the temporary directory, or Redis when BENCH_REDIS_URL
    # is given (never the REDIS_URL of the environment, which may hold real data).
    env.pop("REDIS_URL", None)
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def build_dataset(env: dict[str, str], args) -> dict[str, str]:
    say("构建基准数据（临时数据库）")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.bench.scale_data",
            f"--notices={args.notices}",
            f"--names={args.names}",
            f"--pages={args.pages}",
            f"--certificates={args.certificates}",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "website.settings.dev"},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    urls = json.loads(completed.stdout.strip().splitlines()[-1])
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "website.settings.production", **PROD_EXTRA},
        check=True,
    )
    manifest = json.loads((Path(env["STATIC_ROOT"]) / "staticfiles.json").read_text())
    urls["static"] = "/static/" + manifest["paths"]["website/css/site.css"]
    return urls


PROD_EXTRA = {
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with production settings and this repo's gunicorn.conf.py, on 127.0.0.1."""

    def __init__(self, env: dict[str, str], *, cached: bool, workers: int):
        self.port = free_port()
        self.env = {
            **env,
            **PROD_EXTRA,
            "DJANGO_SETTINGS_MODULE": "website.settings.production",
            "PAGE_CACHE": "1" if cached else "0",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            # Workers are not recycled during a run: CPU and memory are read per worker pid.
            "GUNICORN_MAX_REQUESTS": "0",
            "GUNICORN_MAX_REQUESTS_JITTER": "0",
            # Requests are counted on the server side (the load generator does not count those
            # still in flight when its time is up, yet the server spent CPU on them).
            "GUNICORN_ACCESS_LOG": str(Path(env["VAR_DIR"]) / f"access-{int(cached)}.log"),
        }
        self.access_log = Path(self.env["GUNICORN_ACCESS_LOG"])
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "website.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("gunicorn 未能启动：\n" + self.process.stderr.read().decode())
            if len(self.worker_pids()) >= int(self.env["WEB_CONCURRENCY"]):
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                    return self
                except OSError:
                    pass
            time.sleep(0.2)
        raise SystemExit("gunicorn 启动超时")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        return total / CLK_TCK

    def served(self) -> int:
        """Requests answered so far (lines of the access log)."""
        try:
            with self.access_log.open("rb") as log:
                return sum(chunk.count(b"\n") for chunk in iter(lambda: log.read(1 << 20), b""))
        except FileNotFoundError:
            return 0

    def settle(self) -> None:
        """Wait until requests still in flight after a load run are answered."""
        last = (-1, -1.0)
        for _ in range(100):
            now = (self.served(), self.cpu_seconds())
            if now == last:
                return
            last = now
            time.sleep(0.3)

    def rss_mb(self) -> list[float]:
        return [memory["rss"] for memory in self.memory_mb()]

    def memory_mb(self) -> list[dict[str, float]]:
        """RSS, PSS (shared pages divided among their users) and USS (pages only this
        worker holds: what one more worker costs) of each worker, in MB."""
        return [worker_memory(pid) for pid in self.worker_pids()]

    def get(self, path: str) -> tuple[int, str]:
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("X-Page-Cache", "")


def worker_memory(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (Private_Clean + Private_Dirty) of a process from smaps_rollup, in MB."""
    fields: dict[str, int] = {}
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return {"rss": 0.0, "pss": 0.0, "uss": 0.0}
    for line in text.splitlines()[1:]:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            fields[name] = int(parts[0])  # kB
    uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return {
        "rss": round(fields.get("Rss", 0) / 1024, 1),
        "pss": round(fields.get("Pss", 0) / 1024, 1),
        "uss": round(uss / 1024, 1),
    }


PAGES = [
    ("home", "/"),
    ("notice", "{notice}"),
    ("notice list", "/notices/"),
    ("publicity (3,000 names)", "{publicity}"),
    ("search 职称评审", "/search/?q=%E8%81%8C%E7%A7%B0%E8%AF%84%E5%AE%A1"),
    ("approval list", "/approvals/"),
    ("verify by number", "/verify/?number={certificate}"),
    ("static file", "{static}"),
]


def measure(server: Server, path: str, args) -> dict:
    """Median of ``args.runs`` bounded runs at one path, with server CPU per request."""
    runs = []
    for _ in range(args.runs):
        server.settle()
        cpu_before, served_before = server.cpu_seconds(), server.served()
        result = loadgen.run(
            server.port,
            path,
            seconds=args.seconds,
            connections=args.connections,
            prefer_wrk=not args.python_load,
        )
        server.settle()
        cpu = server.cpu_seconds() - cpu_before
        served = server.served() - served_before
        runs.append(
            {
                "rps": result.rps,
                "p50_ms": result.p50_ms,
                "p99_ms": result.p99_ms,
                "cpu_ms_per_request": 1000 * cpu / max(1, served),
                "requests": result.requests,
                "served": served,
                "errors": result.errors,
                "tool": result.tool,
            }
        )
    summary = {
        key: statistics.median([run[key] for run in runs])
        for key in ("rps", "p50_ms", "p99_ms", "cpu_ms_per_request")
    }
    summary["errors"] = sum(run["errors"] for run in runs)
    summary["requests"] = sum(run["requests"] for run in runs)
    summary["tool"] = runs[0]["tool"]
    summary["runs"] = runs
    return summary


def bench_pages(env: dict[str, str], urls: dict[str, str], args) -> dict:
    results: dict = {}
    for cached in (False, True):
        mode = "cached" if cached else "uncached"
        say(f"启动 gunicorn（{args.workers} 个 worker，页面缓存{'开' if cached else '关'}）")
        with Server(env, cached=cached, workers=args.workers) as server:
            rss_start = server.memory_mb()
            states = {}
            for label, template in PAGES:
                path = template.format(**urls)
                # Warm up every worker: lazy imports, templates, the jieba dictionary, and
                # (cached) the entry itself.
                for _ in range(2 * args.workers):
                    states[label] = server.get(path)
            rss_before = server.memory_mb()
            for label, template in PAGES:
                path = template.format(**urls)
                status, cache_state = states[label]
                say(f"{mode}: {label} {path} → {status} {cache_state or '-'}")
                summary = measure(server, path, args)
                summary.update(path=path, status=status, page_cache=cache_state or None)
                results.setdefault(label, {})[mode] = summary
            results.setdefault("_memory", {})[mode] = {
                "rss_mb_at_start": rss_start,
                "rss_mb_before": rss_before,
                "rss_mb_after": server.memory_mb(),
            }
    return results


def fmt_row(label: str, r: dict) -> str:
    return (
        f"| {label} | {r['rps']:.0f} | {r['p50_ms']:.1f} ms | {r['p99_ms']:.1f} ms "
        f"| {r['cpu_ms_per_request']:.1f} |"
    )


def table(results: dict) -> str:
    lines = ["| page | req/s | p50 | p99 | server CPU ms/req |", "| --- | --- | --- | --- | --- |"]
    for label, _ in PAGES:
        for mode in ("uncached", "cached"):
            r = results[label][mode]
            note = "" if r["page_cache"] in (None, "hit") or mode == "uncached" else " (not cached)"
            lines.append(fmt_row(f"{label}, {mode}{note}", r))
    return "\n".join(lines)


def aims(results: dict) -> list[str]:
    static = results["static file"]["cached"]["rps"]
    out = []
    notice = results["notice"]["uncached"]["cpu_ms_per_request"]
    publicity = results["publicity (3,000 names)"]["uncached"]["cpu_ms_per_request"]
    out.append(
        f"uncached notice CPU {notice:.1f} ms/req (aim ≤ 30): {'met' if notice <= 30 else 'MISSED'}"
    )
    out.append(
        f"uncached publicity CPU {publicity:.1f} ms/req (aim ≤ 100): "
        f"{'met' if publicity <= 100 else 'MISSED'}"
    )
    for label, _ in PAGES[:-1]:
        rps = results[label]["cached"]["rps"]
        ok = rps >= static / 2
        out.append(
            f"cached {label}: {rps:.0f} req/s = {rps / static:.0%} of static "
            f"(aim ≥ 50%): {'met' if ok else 'MISSED'}"
        )
    errors = sum(
        results[label][mode]["errors"] for label, _ in PAGES for mode in ("uncached", "cached")
    )
    out.append(f"errors under load: {errors}")
    for mode, memory in results["_memory"].items():
        for key, when in (
            ("rss_mb_at_start", "at start"),
            ("rss_mb_before", "after warm-up"),
            ("rss_mb_after", "after the runs"),
        ):
            workers = "; ".join(
                f"RSS {m['rss']:.0f} / PSS {m['pss']:.0f} / USS {m['uss']:.0f}" for m in memory[key]
            )
            out.append(f"worker memory MB ({mode}, {when}): {workers}")
        uss = max((m["uss"] for m in memory["rss_mb_before"]), default=0.0)
        out.append(
            f"worker USS after warm-up ({mode}) {uss:.0f} MB (aim ≤ 150): "
            f"{'met' if uss <= 150 else 'MISSED'}"
        )
    return out


def other_benchmarks(env: dict[str, str], args) -> dict:
    """The approvals (issuance, signing) and search benchmarks, when their modules exist."""
    figures = {}
    for module, functions in (
        # bench_issuance reports the bare pyHanko signing cost measured in the same run.
        ("tests.bench.issuance_bench", ("bench_issuance",)),
        ("tests.bench.search_bench", ("run",)),
    ):
        if not (ROOT / (module.replace(".", "/") + ".py")).exists():
            figures[module] = "not present"
            continue
        for name in functions:
            say(f"{module}.{name}")
            # Pass the run's scale to whichever of these parameters the function takes.
            offered = {
                "quick": args.quick,
                "pages": args.pages,
                "count": args.certificates,
                "certificates": args.certificates,
                "n": args.certificates,
            }
            # The search benchmark sets up Django on its own scratch database; issuance runs on
            # the dataset's database (its documents use a year of their own).
            own_setup = module.endswith("search_bench")
            code = (
                "import json, inspect, django;"
                + ("" if own_setup else "django.setup();")
                + f"from {module} import {name} as f;"
                f"offered = {offered!r};"
                "params = inspect.signature(f).parameters;"
                "r = f(**{k: v for k, v in offered.items() if k in params});"
                "print('@@RESULT@@' + json.dumps(r, default=str, ensure_ascii=False))"
            )
            completed = subprocess.run(
                [sys.executable, "-c", code],
                cwd=ROOT,
                env=env if own_setup else {**env, "DJANGO_SETTINGS_MODULE": "website.settings.dev"},
                capture_output=True,
                text=True,
                timeout=3600,
            )
            sys.stderr.write(completed.stdout.split("@@RESULT@@")[0])
            if completed.returncode != 0 or "@@RESULT@@" not in completed.stdout:
                figures[f"{module}.{name}"] = {"error": completed.stderr[-2000:]}
                continue
            figures[f"{module}.{name}"] = json.loads(completed.stdout.split("@@RESULT@@")[1])
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="./dev bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="小规模冒烟运行")
    parser.add_argument("--notices", type=int)
    parser.add_argument("--names", type=int)
    parser.add_argument("--pages", type=int, help="可搜索页面数")
    parser.add_argument("--certificates", type=int)
    parser.add_argument("--seconds", type=float, help="每次压测时长（秒）")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--python-load", action="store_true", help="不用 wrk")
    parser.add_argument("--skip-others", action="store_true", help="不运行签发与搜索基准")
    parser.add_argument("--keep", action="store_true", help="保留临时目录")
    args = parser.parse_args(argv)
    defaults = (
        {"notices": 20, "names": 3000, "pages": 300, "certificates": 100, "seconds": 3}
        if args.quick
        else {"notices": 200, "names": 3000, "pages": 10000, "certificates": 1000, "seconds": 10}
    )
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)

    ensure_wrk()
    var = Path(tempfile.mkdtemp(prefix="zc-bench-"))
    try:
        env = base_env(var, os.environ.get("DATABASE_URL"))
        urls = build_dataset(env, args)
        results = bench_pages(env, urls, args)
        others = {} if args.skip_others else other_benchmarks(env, args)
        # The same pages through Varnish in front (deploy/varnish/zhicheng.vcl), when installed.
        if varnishd_path():
            say("Varnish 在前：静态文件与缓存页面")
            others["edge (Varnish)"] = edge = run_edge(
                env, urls, runs=args.runs, seconds=args.seconds,
                connections=args.connections, workers=args.workers, python_load=args.python_load,
            )  # fmt: skip
            print(edge_table(edge) + "\n" + "\n".join(f"- {line}" for line in edge["aims"]))
    finally:
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)

    report = {
        "date": dt.date.today().isoformat(),
        "nproc": os.cpu_count(),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "database": "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite",
        "page_cache_backend": "Redis" if "BENCH_REDIS_URL" in os.environ else "file",
        "scale": {k: getattr(args, k) for k in ("notices", "names", "pages", "certificates")},
        "load": {
            "seconds": args.seconds,
            "runs": args.runs,
            "connections": args.connections,
            "workers": args.workers,
        },
        "pages": results,
        "aims": aims(results),
        "other_benchmarks": others,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(
        f"\n{report['date']} · nproc {report['nproc']} · {report['database']} · "
        f"{args.workers} gunicorn workers · median of {args.runs} × {args.seconds:g} s · "
        f"{results['static file']['cached']['tool']}, {args.connections} connections\n"
    )
    print(table(results))
    print()
    for line in report["aims"]:
        print(f"- {line}")
    for name, figure in others.items():
        print(f"\n{name}:\n{json.dumps(figure, ensure_ascii=False, indent=2)[:3000]}")
    print(f"\nJSON: {RESULTS / 'bench.json'}")


if __name__ == "__main__":
    main()
