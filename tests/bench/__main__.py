"""The benchmark command: ``./dev bench`` (``python -m tests.bench``); ``--quick`` for a smoke run,
``--growth-only`` for the growth part alone.

1. Builds the scaled-up dataset in a temporary directory (SQLite there, or ``DATABASE_URL``):
   200 notices, a running publicity of 3,000 names, 10,000 searchable pages, 1,000 certificates.
2. Starts the production server (gunicorn with this repo's config, production settings, a
   generated SECRET_KEY, 2 workers) on 127.0.0.1, once with the page cache off (``PAGE_CACHE=0``)
   and once on, and drives load at each page from a second process (``wrk``, else Python).
3. For each page: requests/s, p50 and p99 latency, server CPU per request (utime + stime of the
   gunicorn workers from /proc, before and after, divided by the requests), median of 3 runs;
   worker RSS before and after. Prints one table and writes ``bench-results/bench.json``.
4. Growth (``tests.bench.growth``): the same server measures running publicity pages of 300 /
   3,000 / 10,000 names (CPU per request uncached and cached, response bytes); a second
   dataset (SQLite of its own) grows to 1k / 10k / 50k searchable pages, and at each size the
   index is rebuilt (seconds, pages/s), query latency measured in-process and the search page
   served with the page cache off, the first time a worker sees each query and repeated;
   issuance of 100 / 1,000 certificates on 2 processes. Each series gets a
   fitted line and a verdict, printed as the growth table.
5. The edge-cache rows (``tests.bench.edge_bench.run_edge``) when that module exists, and the
   search benchmark's figures. The load average at start and end.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import importlib.util
import inspect
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

from . import growth, loadgen
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
            f"--publicity-sizes={','.join(map(str, args.publicity_sizes))}",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "website.settings.dev"},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    urls = json.loads(completed.stdout.strip().splitlines()[-1])
    for size, url in urls.pop("publicity_sizes").items():
        urls[f"publicity_{size}"] = url
    collectstatic(env)
    manifest = json.loads((Path(env["STATIC_ROOT"]) / "staticfiles.json").read_text())
    urls["static"] = "/static/" + manifest["paths"]["website/css/site.css"]
    return urls


def collectstatic(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "website.settings.production", **PROD_EXTRA},
        check=True,
    )


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
        status, cache_state, _ = self.fetch(path)
        return status, cache_state

    def fetch(self, path: str, accept_encoding: str = "") -> tuple[int, str, int]:
        """Status, X-Page-Cache and body bytes of one GET."""
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Host": "127.0.0.1"}
        if accept_encoding:
            headers["Accept-Encoding"] = accept_encoding
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, response.getheader("X-Page-Cache", ""), len(body)


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


def page_list(args) -> list[tuple[str, str]]:
    """The pages measured: the main list (not with ``--growth-only``), the publicity growth
    rows and the static file served by the same server."""
    main = [] if args.growth_only else PAGES[:-1]
    publicity = [
        (f"publicity {size:,} names", f"{{publicity_{size}}}") for size in args.publicity_sizes
    ]
    return [*main, *([] if args.skip_growth else publicity), PAGES[-1]]


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
    pages = page_list(args)
    for cached in (False, True):
        mode = "cached" if cached else "uncached"
        say(f"启动 gunicorn（{args.workers} 个 worker，页面缓存{'开' if cached else '关'}）")
        with Server(env, cached=cached, workers=args.workers) as server:
            rss_start = server.memory_mb()
            states = {}
            for label, template in pages:
                path = template.format(**urls)
                # Warm up every worker: lazy imports, templates, the jieba dictionary, and
                # (cached) the entry itself.
                for _ in range(2 * args.workers):
                    states[label] = server.get(path)
            rss_before = server.memory_mb()
            for label, template in pages:
                path = template.format(**urls)
                status, cache_state = states[label]
                say(f"{mode}: {label} {path} → {status} {cache_state or '-'}")
                summary = measure(server, path, args)
                summary.update(
                    path=path,
                    status=status,
                    page_cache=cache_state or None,
                    # As a browser gets it (gzip offered) and without compression.
                    bytes_gzip_offered=server.fetch(path, loadgen.ACCEPT_ENCODING)[2],
                    bytes_plain=server.fetch(path)[2],
                )
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
    lines = [
        "| page | req/s | p50 | p99 | server CPU ms/req | bytes (gzip offered) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for label in (key for key in results if not key.startswith("_")):
        for mode in ("uncached", "cached"):
            r = results[label][mode]
            note = "" if r["page_cache"] in (None, "hit") or mode == "uncached" else " (not cached)"
            lines.append(fmt_row(f"{label}, {mode}{note}", r) + f" {r['bytes_gzip_offered']:,} |")
    return "\n".join(lines)


def aims(results: dict) -> list[str]:
    """The page goals of the main list (not measured with ``--growth-only``)."""
    if "notice" not in results:
        return []
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
    return out


def memory_lines(results: dict) -> list[str]:
    out = []
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


def call_in_django(call: str, env: dict[str, str], *, setup: bool = True) -> dict:
    """Evaluate ``call`` (an expression giving JSON-able data, its imports before a ``;``) in a
    fresh interpreter, Django set up on the dataset's database unless ``setup`` is false; its
    result, or ``{"error": ...}``. The child's own output goes to stderr."""
    code = (
        "import json, django;"
        + ("django.setup();" if setup else "")
        + f"r = {call};"
        + "print('@@RESULT@@' + json.dumps(r, default=str, ensure_ascii=False))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env if not setup else {**env, "DJANGO_SETTINGS_MODULE": "website.settings.dev"},
        stdout=subprocess.PIPE,
        text=True,
        timeout=3600,
    )
    sys.stderr.write(completed.stdout.split("@@RESULT@@")[0])
    if completed.returncode != 0 or "@@RESULT@@" not in completed.stdout:
        return {"error": f"exit {completed.returncode}"}
    return json.loads(completed.stdout.split("@@RESULT@@")[1])


def other_benchmarks(env: dict[str, str], args) -> dict:
    """The approvals (issuance, signing) and search benchmarks, when their modules exist;
    issuance only when the growth part (which issues 100 and 1,000 certificates) is skipped."""
    figures = {}
    for module, name in (
        # bench_issuance reports the bare pyHanko signing cost measured in the same run.
        ("tests.bench.issuance_bench", "bench_issuance"),
        ("tests.bench.search_bench", "run"),
    ):
        if module.endswith("issuance_bench") and not args.skip_growth:
            continue
        if importlib.util.find_spec(module) is None:
            figures[module] = "not present"
            continue
        say(f"{module}.{name}")
        function = getattr(importlib.import_module(module), name)
        # Pass the run's scale to whichever of these parameters the function takes.
        offered = {
            "quick": args.quick,
            "pages": args.pages,
            "count": args.certificates,
            "certificates": args.certificates,
            "n": args.certificates,
        }
        params = inspect.signature(function).parameters
        kwargs = {k: v for k, v in offered.items() if k in params}
        # The search benchmark sets up Django on its own scratch database; issuance runs on
        # the dataset's database (its documents use a year of their own).
        figures[f"{module}.{name}"] = call_in_django(
            f"__import__('{module}', fromlist=['{name}']).{name}(**{kwargs!r})",
            env,
            setup=not module.endswith("search_bench"),
        )
    return figures


def search_growth(env: dict[str, str], args, checkpoint) -> list[dict]:
    """A dataset of its own (SQLite in its own folder) grown to each size in turn: at each,
    the index rebuilt, the query latency and the search page served uncached; each size's
    row handed to ``checkpoint(search=rows)`` when done."""
    var = Path(env["VAR_DIR"]) / "search-growth"
    var.mkdir()
    grown = {**env, "VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "website.settings.dev"}
    grown.pop("DATABASE_URL", None)
    path = dict(PAGES)["search 职称评审"]
    rows = []
    for step, size in enumerate(args.search_sizes):
        say(f"搜索增长：{size:,} 个页面（建数据、重建索引、查询延迟）")
        started = time.monotonic()
        scale = ["--pages-only"] if step else ["--notices=0", "--names=0", "--certificates=0"]
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.bench.scale_data",
                *scale,
                f"--pages={size}",
                "--queries",
            ],
            cwd=ROOT,
            env=grown,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        figures = json.loads(completed.stdout.strip().splitlines()[-1])
        row = {"size": size, "build_s": round(time.monotonic() - started, 1), **figures}
        first_time = []
        for run in range(args.runs):
            with Server(grown, cached=False, workers=args.workers) as server:
                if run == 0:
                    # The first search of a fresh server: the segmenter, the index opened.
                    cpu = server.cpu_seconds()
                    row["status"] = server.get(path)[0]
                    row["first_request_cpu_ms"] = round(1000 * (server.cpu_seconds() - cpu), 1)
                first_time.append(first_time_cpu_ms(server, args))
                if run == 0:
                    row["page"] = measure(server, path, args)
                    row["memory_mb"] = server.memory_mb()
        row["first_time"] = {
            "cpu_ms_per_request": statistics.median(first_time),
            "runs": first_time,
        }
        say(
            f"{size:,} 页：索引 {figures['index']['seconds']} s，查询中位数 "
            f"{figures['queries']['median_ms']} ms，搜索页首次 "
            f"{row['first_time']['cpu_ms_per_request']:.1f} ms、重复 "
            f"{row['page']['cpu_ms_per_request']:.1f} ms CPU/请求"
        )
        rows.append(row)
        checkpoint(search=rows)
    return rows


def first_time_cpu_ms(server: Server, args) -> float:
    """Server CPU per request of the search page the first time a worker sees the query
    (a searcher keeps the answers of recent queries): the search benchmark's queries, each
    asked once, one after another, after a warm-up on other queries."""
    from urllib.parse import quote

    from tests.bench.search_bench import QUERIES

    for warm_up in ("模板", "新疆", "模板", "新疆") * args.workers:
        server.get(f"/search/?q={quote(warm_up)}")
    server.settle()
    cpu = server.cpu_seconds()
    for query in QUERIES:
        server.get(f"/search/?q={quote(query)}")
    server.settle()
    return round(1000 * (server.cpu_seconds() - cpu) / len(QUERIES), 1)


def issuance_growth(env: dict[str, str], args) -> list[dict]:
    """Issuance at each size on 2 processes, median of ``args.runs``, on the dataset's
    database (through ``growth.issuance``, the adapter to the issuance benchmark)."""
    say(f"签发增长：{' / '.join(map(str, args.issuance_sizes))} 张证书")
    rows = call_in_django(
        "__import__('tests.bench.growth', fromlist=['x']).issuance_series("
        f"{list(args.issuance_sizes)!r}, processes=2, repeats={args.runs})",
        env,
    )
    if isinstance(rows, dict):  # the error
        raise SystemExit(f"签发基准失败：{rows}")
    return rows


def edge_rows(env: dict[str, str], urls: dict[str, str], args) -> dict | None:
    """The same pages through Varnish in front (deploy/varnish/zhicheng.vcl), when installed."""
    if not varnishd_path():
        return None
    say("Varnish 在前：静态文件与缓存页面")
    return run_edge(
        env, urls, runs=args.runs, seconds=args.seconds,
        connections=args.connections, workers=args.workers, python_load=args.python_load,
    )  # fmt: skip


def growth_series(pages: dict, search: list[dict], issuance: list[dict], args) -> list:
    """The growth table's series from the figures of this run."""
    series = []
    publicity = [(size, pages[f"publicity {size:,} names"]) for size in args.publicity_sizes]
    sizes = [size for size, _ in publicity]
    if publicity:
        for mode in ("uncached", "cached"):
            series.append(
                growth.Series(
                    f"publicity page, {mode}, server CPU/request",
                    "names",
                    "ms",
                    sizes,
                    [row[mode]["cpu_ms_per_request"] for _, row in publicity],
                )
            )
        for key, label in (("bytes_plain", "uncompressed"), ("bytes_gzip_offered", "gzip offered")):
            series.append(
                growth.Series(
                    f"publicity page bytes, uncached, {label}",
                    "names",
                    "KB",
                    sizes,
                    [row["uncached"][key] / 1024 for _, row in publicity],
                )
            )
    if search:
        sizes = [row["index"]["pages"] for row in search]
        for name, unit, values in (
            (
                "search page, first time (20 queries once), server CPU/request",
                "ms",
                [r["first_time"] for r in search],
            ),
            (
                "search page, repeated 职称评审, server CPU/request",
                "ms",
                [r["page"] for r in search],
            ),
            ("search query median (wall)", "ms", [r["queries"]["median_ms"] for r in search]),
            ("search query p95 (wall)", "ms", [r["queries"]["p95_ms"] for r in search]),
            ("search query median (CPU)", "ms", [r["queries"]["cpu_median_ms"] for r in search]),
            ("index build (wall)", "s", [r["index"]["seconds"] for r in search]),
            ("index build (CPU)", "s", [r["index"]["cpu_seconds"] for r in search]),
        ):
            costs = [v["cpu_ms_per_request"] if isinstance(v, dict) else v for v in values]
            series.append(growth.Series(name, "pages", unit, sizes, costs))
    if issuance:
        series.append(
            growth.Series(
                "issuance, CPU per document (2 processes)",
                "certificates",
                "s",
                [row["certificates"] for row in issuance],
                [row["cpu_ms_per_cert"] * row["certificates"] / 1000 for row in issuance],
            )
        )
    return series


def growth_details(search: list[dict], issuance: list[dict]) -> list[str]:
    """The figures beside the growth table that are rates rather than costs."""
    out = [
        f"search {row['index']['pages']:,} pages: index {row['index']['seconds']} s wall "
        f"({row['index']['pages_per_s']} pages/s), {row['index']['cpu_seconds']} s CPU "
        f"({row['index']['pages'] / max(0.01, row['index']['cpu_seconds']):.0f} pages per CPU "
        f"second); query median {row['queries']['median_ms']} ms, p95 {row['queries']['p95_ms']} "
        f"ms; search page first time {row['first_time']['cpu_ms_per_request']:.1f} ms CPU/request "
        f"(runs {row['first_time']['runs']}), repeated 职称评审 "
        f"{row['page']['cpu_ms_per_request']:.1f} ms ({row['page']['rps']:.1f} req/s, p99 "
        f"{row['page']['p99_ms']:.0f} ms), first search of a fresh server "
        f"{row['first_request_cpu_ms']} ms CPU"
        for row in search
    ]
    out += [
        f"issuance {row['certificates']:,} certificates: {row['cpu_ms_per_cert']} ms CPU per "
        f"certificate, {row['certs_per_s']} certificates/s, {row['wall_s']} s wall"
        for row in issuance
    ]
    return out


def sizes(text: str) -> list[int]:
    return [int(size) for size in text.replace("_", "").split(",") if size]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="./dev bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="小规模冒烟运行")
    parser.add_argument("--growth-only", action="store_true", help="只测增长（公示、搜索、签发）")
    parser.add_argument("--skip-growth", action="store_true", help="不测增长")
    parser.add_argument("--notices", type=int)
    parser.add_argument("--names", type=int)
    parser.add_argument("--pages", type=int, help="可搜索页面数")
    parser.add_argument("--certificates", type=int)
    parser.add_argument("--publicity-sizes", type=sizes, help="公示人数，如 300,3000,10000")
    parser.add_argument("--search-sizes", type=sizes, help="可搜索页面数，如 1000,10000,50000")
    parser.add_argument("--issuance-sizes", type=sizes, help="证书张数，如 100,1000")
    parser.add_argument("--seconds", type=float, help="每次压测时长（秒）")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--python-load", action="store_true", help="不用 wrk")
    parser.add_argument("--skip-others", action="store_true", help="不运行搜索基准与边缘缓存")
    parser.add_argument("--keep", action="store_true", help="保留临时目录")
    parser.add_argument("--output", type=Path, default=RESULTS / "bench.json", help="JSON 结果文件")
    args = parser.parse_args(argv)
    defaults = (
        {
            "notices": 20,
            "names": 3000,
            "pages": 300,
            "certificates": 100,
            "seconds": 3,
            "publicity_sizes": [30, 300, 1000],
            "search_sizes": [200, 1000],
            "issuance_sizes": [10, 50],
        }
        if args.quick
        else {
            "notices": 200,
            "names": 3000,
            "pages": 10000,
            "certificates": 1000,
            "seconds": 10,
            "publicity_sizes": [300, 3000, 10000],
            "search_sizes": [1000, 10000, 50000],
            "issuance_sizes": [100, 1000],
        }
    )
    if args.growth_only:
        # The growth part's dataset: the demo, its publicity pages and no more.
        defaults.update(notices=0, names=0, pages=0, certificates=0)
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.skip_growth:
        args.publicity_sizes = args.search_sizes = args.issuance_sizes = []

    load_at_start = os.getloadavg()
    # What is measured so far, written after each step: a long run stopped early (the
    # largest search size) keeps its figures.
    partial_path = args.output.with_name(f"{args.output.stem}.partial.json")
    partial: dict = {"load_average_start": load_at_start}

    def checkpoint(**figures) -> None:
        partial.update(figures)
        partial_path.parent.mkdir(parents=True, exist_ok=True)
        partial_path.write_text(json.dumps(partial, ensure_ascii=False, indent=2, default=str))

    ensure_wrk()
    var = Path(tempfile.mkdtemp(prefix="zc-bench-"))
    try:
        env = base_env(var, os.environ.get("DATABASE_URL"))
        urls = build_dataset(env, args)
        results = bench_pages(env, urls, args)
        checkpoint(pages=results)
        issuance = issuance_growth(env, args) if args.issuance_sizes else []
        checkpoint(issuance=issuance)
        # Last: the largest search size takes longest to build.
        search = search_growth(env, args, checkpoint) if args.search_sizes else []
        others = {} if args.skip_others or args.growth_only else other_benchmarks(env, args)
        # The edge rows need the main list's pages (not built with --growth-only).
        edge = None if args.skip_others or args.growth_only else edge_rows(env, urls, args)
    finally:
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)
    load_at_end = os.getloadavg()
    series = growth_series(results, search, issuance, args)

    report = {
        "date": dt.date.today().isoformat(),
        "nproc": os.cpu_count(),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "database": "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite",
        "page_cache_backend": "Redis" if "BENCH_REDIS_URL" in os.environ else "file",
        "load_average": {"start": load_at_start, "end": load_at_end},
        "scale": {k: getattr(args, k) for k in ("notices", "names", "pages", "certificates")},
        "load": {
            "seconds": args.seconds,
            "runs": args.runs,
            "connections": args.connections,
            "workers": args.workers,
        },
        "pages": results,
        "aims": aims(results),
        "memory": memory_lines(results),
        "growth": {
            "series": [one.as_dict() for one in series],
            "search": search,
            "issuance": issuance,
        },
        "edge": edge,
        "other_benchmarks": others,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    partial_path.unlink(missing_ok=True)
    print(
        f"\n{report['date']} · nproc {report['nproc']} · {report['database']} · "
        f"{args.workers} gunicorn workers · median of {args.runs} × {args.seconds:g} s · "
        f"{results['static file']['cached']['tool']}, {args.connections} connections\n"
        f"load average at start {' '.join(f'{x:.2f}' for x in load_at_start)}, "
        f"at end {' '.join(f'{x:.2f}' for x in load_at_end)}\n"
    )
    print(table(results))
    print()
    for line in report["aims"] + report["memory"]:
        print(f"- {line}")
    if series:
        print("\nGrowth\n")
        print(growth.growth_table(series))
        print()
        for line in growth_details(search, issuance):
            print(f"- {line}")
    print("\nEdge cache (Varnish in front, tests.bench.edge_bench):")
    if edge:
        print(edge_table(edge) + "\n" + "\n".join(f"- {line}" for line in edge["aims"]))
    elif args.skip_others or args.growth_only:
        print("not measured (--growth-only / --skip-others)")
    else:
        print("varnishd not installed")
    for name, figure in others.items():
        print(f"\n{name}:\n{json.dumps(figure, ensure_ascii=False, indent=2)[:3000]}")
    print(f"\nJSON: {args.output}")


if __name__ == "__main__":
    main()
