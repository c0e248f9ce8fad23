"""Search benchmark: the Whoosh + jieba backend next to Wagtail's database backend.

Generates a corpus of Chinese pages in a temporary SQLite database, indexes it with each
backend, runs a fixed query list and reports indexing time, median and 95th-percentile query
latency (first page of 10 results plus the count, as the search page does) and recall against
the pages whose title contains the query. Writes ``bench-results/search.json``.

    python -m tests.bench.search_bench [pages]

``page_cpu()`` measures instead the CPU time of the site's ``/search/`` page and of the page
search alone on an existing site (the data of ``tests.bench.scale_data``), the first time a
worker sees each query:

    DJANGO_SETTINGS_MODULE=website.settings.dev DEBUG=0 PAGE_CACHE=0 VAR_DIR=<data> \
        python -m tests.bench.search_bench --page

``run(pages)`` is importable by a combined benchmark command; it sets up Django itself when
it is not set up yet (with a throw-away database and index directory).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

QUERIES = [
    "职称",
    "职称评审",
    "评审",
    "答辩",
    "继续教育",
    "乌鲁木齐",
    "鲁木齐",
    "王建国",
    "工程师",
    "2024年度",
    "PDF",
    "评审费",
    "盲评",
    "推荐单位公示",
    "和地职称办〔2023〕1号",
    "头屯河",
    "高级工程师",
    "花名册",
    "纺织",
    "会计",
]

_REGIONS = ["乌鲁木齐市", "头屯河区", "巴音郭楞蒙古自治州", "和田地区", "克拉玛依市", "伊犁州"]
_SERIES = ["工程系列", "经济系列", "会计系列", "卫生系列", "教育系列", "农业系列"]
_SPECIALTIES = ["机械电子", "建材", "石油", "化工", "纺织", "审计", "统计", "会计", "畜牧"]
_TOPICS = [
    "职称评审工作的通知",
    "评审结果公示",
    "答辩安排",
    "继续教育学时认定",
    "评审费收取标准",
    "盲评工作安排",
    "推荐单位公示",
    "申报人员花名册",
    "任职资格审批文件",
    "电子证书领取说明",
    "申报材料PDF格式要求",
    "身份证号遮盖说明",
]
_NAMES = ["王建国", "李娜", "张伟", "刘洋", "阿不都热合曼", "古丽娜尔", "陈静", "马强"]
_LEVELS = ["助理工程师", "工程师", "高级工程师", "正高级工程师", "会计师", "经济师"]
_NUMBERS = ["和地职称办〔2023〕1号", "新经开人社〔2024〕12号", "乌人社〔2025〕3号"]


def _title(rng: random.Random) -> str:
    """A realistic notice-like title of 20 to 60 characters."""
    year = rng.choice([2022, 2023, 2024, 2025])
    parts = [
        f"关于{rng.choice(['开展', '做好', '公布'])}{year}年度",
        rng.choice(_REGIONS),
        rng.choice(_SERIES),
        rng.choice(_SPECIALTIES),
        "专业",
        rng.choice(_TOPICS),
    ]
    if rng.random() < 0.3:
        parts.append(f"（{rng.choice(_NAMES)}等{rng.randint(2, 80)}名{rng.choice(_LEVELS)}）")
    if rng.random() < 0.15:
        parts.append(rng.choice(_NUMBERS))
    return "".join(parts)


def _setup_django(workdir: Path) -> None:
    import django
    from django.conf import settings

    if settings.configured and getattr(settings, "_search_bench_ready", False):
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.test")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["VAR_DIR"] = str(workdir)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings._search_bench_ready = True


def _create_pages(count: int, seed: int = 20250101) -> dict[int, str]:
    """Bulk-create ``count`` live pages under a fresh parent, bypassing per-save indexing."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from wagtail.models import Locale, Page

    rng = random.Random(seed)
    root = Page.get_first_root_node()
    parent = root.add_child(instance=Page(title="基准测试", slug=f"bench-{uuid.uuid4().hex[:6]}"))
    content_type = ContentType.objects.get_for_model(Page)
    locale = Locale.get_default()
    now = timezone.now()
    pages = []
    for n in range(count):
        title = _title(rng)
        pages.append(
            Page(
                **child_page_fields(parent, n + 1, f"p{n}", title, content_type, locale, now),
                translation_key=uuid.uuid4(),
            )
        )
    Page.objects.bulk_create(pages, batch_size=500)
    Page.objects.filter(pk=parent.pk).update(numchild=count)
    return dict(
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).values_list(
            "pk", "title"
        )
    )


def child_page_fields(parent, step: int, slug: str, title: str, content_type, locale, now) -> dict:
    """The fields of a live child page of ``parent`` written with ``bulk_create`` (no
    treebeard): its path from ``step``, its URL path from ``slug``."""
    return {
        "title": title,
        "draft_title": title,
        "slug": slug,
        "content_type": content_type,
        "locale": locale,
        "path": parent.path + path_step(step),
        "depth": parent.depth + 1,
        "numchild": 0,
        "url_path": f"{parent.url_path}{slug}/",
        "live": True,
        "has_unpublished_changes": False,
        "first_published_at": now,
        "last_published_at": now,
    }


def path_step(n: int) -> str:
    """treebeard's path step (4 base-36 characters)."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(4):
        n, r = divmod(n, 36)
        out = alphabet[r] + out
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _bench_backend(name: str, corpus: dict[int, str], repeats: int) -> dict:
    from django.core.management import call_command
    from wagtail.models import Page

    started = time.perf_counter()
    call_command("update_index", backend_name=name, verbosity=0)
    indexing = time.perf_counter() - started

    latencies: list[float] = []
    recall: dict[str, float | None] = {}
    pages = Page.objects.live()
    for query in QUERIES:
        relevant = {pk for pk, title in corpus.items() if query.lower() in title.lower()}
        found = {page.pk for page in pages.search(query, operator="and", backend=name)}
        recall[query] = round(len(found & relevant) / len(relevant), 3) if relevant else None
        for _ in range(repeats):
            t = time.perf_counter()
            results = pages.search(query, operator="and", backend=name)
            list(results[:10])
            results.count()
            latencies.append((time.perf_counter() - t) * 1000)
    scored = [value for value in recall.values() if value is not None]
    return {
        "indexing_seconds": round(indexing, 2),
        "median_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(_percentile(latencies, 0.95), 2),
        "mean_recall": round(sum(scored) / len(scored), 3) if scored else None,
        "recall": recall,
    }


def run(
    pages: int = 10000, repeats: int = 5, output: Path | None = Path("bench-results/search.json")
) -> dict:
    """Run the benchmark on ``pages`` generated pages and return (and write) the numbers."""
    workdir = Path(tempfile.mkdtemp(prefix="zc-search-bench-"))
    _setup_django(workdir)
    from django.conf import settings

    settings.WAGTAILSEARCH_BACKENDS.clear()
    settings.WAGTAILSEARCH_BACKENDS.update(
        {
            "default": {
                "BACKEND": "whoosh_jieba.backend",
                "INDEX_PATH": workdir / "whoosh",
                "AUTO_UPDATE": False,
            },
            "database": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": False},
        }
    )
    started = time.perf_counter()
    corpus = _create_pages(pages)
    generation = time.perf_counter() - started

    result = {
        "pages": len(corpus),
        "queries": QUERIES,
        "generation_seconds": round(generation, 2),
        "backends": {
            "whoosh_jieba": _bench_backend("default", corpus, repeats),
            "wagtail_database": _bench_backend("database", corpus, repeats),
        },
    }
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


#: The search page's queries of the issue-18 table (the 20 QUERIES are measured too).
PAGE_QUERIES = ["职称评审", "乌鲁木齐"]


def _forget_answers() -> None:
    """Drop the answers the live searcher keeps (``whoosh_jieba.results``), so the next query
    costs what it costs the first time a worker sees it. What the searcher keeps for every
    query alike (field lengths, the filter's documents) stays."""
    from modelsearch.backends import get_search_backend

    searcher = get_search_backend().store.searcher()
    searcher.__dict__.pop("_whoosh_jieba_results", None)


def _cpu_ms(fn, runs: int, first_time: bool) -> list[float]:
    times = []
    for _ in range(runs):
        if first_time:
            _forget_answers()
        started = time.process_time()
        fn()
        times.append((time.process_time() - started) * 1000)
    return times


def page_cpu(runs: int = 7) -> dict:
    """CPU ms per request of ``/search/?q=…`` (Django's test client, page cache off) for
    PAGE_QUERIES, first time and repeated, and of the page search alone (count + first 10)
    for PAGE_QUERIES + QUERIES, first time: medians over ``runs``, plus the p95 over all the
    page-search timings. Django must be set up on the site's data."""
    from django.test import Client
    from django.utils.http import urlencode

    from search.site import search_pages

    client = Client(HTTP_HOST="127.0.0.1")
    # Warm the worker as a server's first requests do (templates, jieba, the index reader).
    for query in ("预热", PAGE_QUERIES[0]):
        assert client.get("/search/?" + urlencode({"q": query})).status_code == 200

    def page(query):
        return lambda: client.get("/search/?" + urlencode({"q": query}))

    def page_search(query):
        def run_query():
            results = search_pages(query)
            list(results[:10])
            results.count()

        return run_query

    out: dict = {"runs": runs, "page": {}, "page_search": {}}
    for query in PAGE_QUERIES:
        out["page"][query] = {
            "first_ms": round(statistics.median(_cpu_ms(page(query), runs, True)), 1),
            "repeated_ms": round(statistics.median(_cpu_ms(page(query), runs, False)), 1),
        }
    every = []
    for query in PAGE_QUERIES + QUERIES:
        times = _cpu_ms(page_search(query), runs, True)
        every.extend(times)
        out["page_search"][query] = round(statistics.median(times), 2)
    out["page_search_median_ms"] = round(statistics.median(every), 2)
    out["page_search_p95_ms"] = round(_percentile(every, 0.95), 2)
    return out


def main(argv: list[str]) -> None:
    if "--page" in argv:
        import django

        django.setup()
        print(json.dumps(page_cpu(), ensure_ascii=False, indent=1))
        return
    result = run(int(argv[1]) if len(argv) > 1 else 10000)
    print(f"{result['pages']} pages (generated in {result['generation_seconds']} s)")
    for name, numbers in result["backends"].items():
        print(
            f"{name:18} index {numbers['indexing_seconds']:7.2f} s   median {numbers['median_ms']:7.2f} ms"
            f"   p95 {numbers['p95_ms']:7.2f} ms   mean recall {numbers['mean_recall']}"
        )
        missed = {q: r for q, r in numbers["recall"].items() if r is not None and r < 1}
        if missed:
            print(f"{'':18} recall below 1: {missed}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main(sys.argv)
