"""Build the benchmark's scaled-up dataset in the configured (temporary) database.

Run as ``python -m tests.bench.scale_data --notices 200 --names 3000 --pages 10000
--certificates 1000`` with ``DJANGO_SETTINGS_MODULE`` and ``VAR_DIR`` / ``DATABASE_URL`` pointing
at a throw-away database; `tests.bench.__main__` does this. Starts from ``load_demo`` (the real
demo content: seeds, a running publicity, an issued approval document) and adds, with the apps'
own models: notices with phases, fees and attachments; names on the running publicity;
searchable template pages (indexed once at the end); certificates of the demo document.
Prints one JSON line with the URLs the load generator should request.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time

from tests.bench.search_bench import child_page_fields


def log(message: str) -> None:
    print(f"  [data] {message}", file=sys.stderr, flush=True)


WORDS = (
    "职称 评审 工程 系列 申报 审核 答辩 继续教育 推荐 单位 公示 专业技术 人员 资格 评审费 材料 "
    "机械电子 建材 石油 化工 纺织 会计 审计 统计 经济 农业 卫生 教师 高级 中级 初级 工程师 "
    "通知 模板 承诺书 花名册 考核 业绩 论文 职务 聘任 人力资源 社会保障 乌鲁木齐 新疆"
).split()


def sentence(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(n)) + "。"


def add_notices(count: int, rng: random.Random) -> str:
    """``count`` published notices with 8 phases, 3 fees and 4 attachments each; one URL."""
    from notices.demo import ensure_index_pages
    from notices.models import NoticeAttachment, NoticeFee, NoticePage, NoticePhase, TemplatePage
    from website.models import Authority, Series

    notice_index, template_index = ensure_index_pages()
    templates = list(TemplatePage.objects.live()[:4])
    authorities = list(Authority.objects.all())
    series = list(Series.objects.all())
    existing = NoticePage.objects.count()
    url = ""
    kinds = ["申报", "审核", "纸质材料报送", "缴费", "答辩", "评审", "公示", "文件印发"]
    for i in range(existing, existing + count):
        year = 2015 + i % 11
        start = dt.date(year, 3, 1) + dt.timedelta(days=i % 200)
        notice = NoticePage(
            title=f"关于开展{year}年度{rng.choice(series).name}职称评审工作的通知（第{i}号）",
            slug=f"bench-notice-{i}",
            review_year=year,
            authority=authorities[i % len(authorities)],
            document_number=f"乌人社〔{year}〕{i + 1}号",
            addressees="区属各企业",
            issue_date=start,
            levels="中级,初级",
            summary=sentence(rng, 30),
            body=[
                (
                    "section",
                    {
                        "heading": sentence(rng, 4)[:-1],
                        "content": [("paragraph", sentence(rng, 60)) for _ in range(3)],
                    },
                )
                for _ in range(4)
            ],
        )
        notice.phases = [
            NoticePhase(
                kind=kind,
                start_date=start + dt.timedelta(days=10 * k),
                end_date=start + dt.timedelta(days=10 * k + 5),
                note=sentence(rng, 5),
            )
            for k, kind in enumerate(kinds)
        ]
        notice.fees = [
            NoticeFee(level=level, amount=amount)
            for level, amount in (("高级", 450), ("中级", 280), ("初级", 140))
        ]
        notice.attachments = [
            NoticeAttachment(title=f"附件{k + 1}", template_page=t) for k, t in enumerate(templates)
        ]
        notice_index.add_child(instance=notice)
        notice.series.add(*series[:2])
        url = notice.url
        if (i - existing + 1) % 50 == 0:
            log(f"{i - existing + 1} notices")
    return url


def running_publicity():
    from publicity.models import PublicityPage

    return next(p for p in PublicityPage.objects.live().specific() if p.is_running)


def fill_publicity(names: int, rng: random.Random) -> str:
    """The running demo publicity, grown to ``names`` entries; its URL."""
    page = running_publicity()
    fill_entries(page, names, rng)
    return page.url


def add_publicity_sizes(sizes: list[int], rng: random.Random) -> dict[str, str]:
    """One running publicity per size (a copy of the demo's running one) with that many
    names: the growth rows of the benchmark. ``{size: url}``."""
    from publicity.models import PublicityPage

    model = running_publicity()
    index = model.get_parent()
    urls = {}
    for size in sizes:
        slug = f"bench-publicity-{size}"
        page = PublicityPage.objects.child_of(index).filter(slug=slug).first()
        if page is None:
            page = index.add_child(
                instance=PublicityPage(
                    slug=slug,
                    title=f"{model.title}（{size}人）",
                    **{
                        name: getattr(model, name)
                        for name in (
                            "authority",
                            "review_committee",
                            "start_date",
                            "working_days",
                            "notice",
                            "intro",
                            "objection_contact",
                        )
                    },
                )
            )
            page.save_revision().publish()
        fill_entries(page.specific, size, rng)
        urls[str(size)] = page.url
    return urls


def fill_entries(page, names: int, rng: random.Random) -> None:
    """Grow ``page``'s list to ``names`` entries (bulk insert)."""
    from publicity.models import PublicityEntry
    from website import identity

    have = page.entries.count()
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    entries = []
    for j in range(have, names):
        first17 = f"650102{1970 + j % 30}{1 + j % 12:02d}{1 + j % 28:02d}{j % 1000:03d}"
        number = first17 + identity.check_digit(first17)
        entries.append(
            PublicityEntry(
                publicity=page,
                sort_order=j,
                name=rng.choice(surnames) + "".join(rng.choice(given) for _ in range(2)),
                gender="男" if j % 2 else "女",
                unit=f"新疆某某{['建设', '化工', '石油', '纺织', '建材'][j % 5]}有限公司{j % 40}",
                series="工程系列",
                specialty=["机械电子", "建材", "石油", "化工", "纺织"][j % 5],
                level="中级",
                qualification="工程师",
                review_type="评审",
                id_hash=identity.id_hash(number),
                id_masked=identity.mask(number),
            )
        )
    PublicityEntry.objects.bulk_create(entries, batch_size=500)
    log(f"publicity {page.url}: {page.entries.count()} names")


def add_search_pages(count: int, rng: random.Random) -> dict:
    """``count`` live template pages with Chinese text, indexed at the end in one pass; the
    index build's figures.

    The rows are written in bulk, both the page rows and the template pages' own rows (the
    page tree's path arithmetic done here, as treebeard does it): ``add_child`` one page at a
    time took minutes for 10,000 pages, and what is measured is the search, not page creation.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from notices.demo import ensure_index_pages
    from notices.models import TemplatePage

    _notice_index, template_index = ensure_index_pages()
    existing = TemplatePage.objects.filter(slug__startswith="bench-template-").count()
    last = template_index.get_last_child()
    step = int(last.path[-Page.steplen :], 36) if last else 0
    content_type = ContentType.objects.get_for_model(TemplatePage)
    locale = Locale.get_default()
    now = timezone.now()
    own_fields = TemplatePage._meta.local_concrete_fields
    started = time.monotonic()
    for chunk_start in range(existing, count, 1000):
        pages = []
        for i in range(chunk_start, min(count, chunk_start + 1000)):
            step += 1
            title = f"{sentence(rng, 3)[:-1]}模板{i}"
            slug = f"bench-template-{i}"
            pages.append(
                TemplatePage(
                    **child_page_fields(
                        template_index, step, slug, title, content_type, locale, now
                    ),
                    **_template_text(rng),
                )
            )
        parents = Page.objects.bulk_create([Page(**_page_fields(p)) for p in pages])
        for parent, page in zip(parents, pages, strict=True):
            page.page_ptr_id = page.pk = parent.pk
        # The template pages' own table in a few multi-row INSERTs (bulk_create refuses
        # multi-table inheritance; save_base(raw=True) is one INSERT per page).
        for batch in range(0, len(pages), 200):
            TemplatePage._base_manager._insert(
                pages[batch : batch + 200], fields=own_fields, raw=True
            )
        done = chunk_start + len(pages)
        if done % 5000 == 0 or done == count:
            rate = (done - existing) / max(0.001, time.monotonic() - started)
            log(f"{done} searchable pages ({rate:.0f}/s)")
    Page.objects.filter(pk=template_index.pk).update(numchild=template_index.get_children().count())
    pages = Page.objects.count()
    log(f"building the search index ({pages} pages)")
    started, cpu = time.monotonic(), time.process_time()
    call_command("update_index", verbosity=0)
    seconds = time.monotonic() - started
    log(f"search index built in {seconds:.0f} s ({pages / seconds:.0f} pages/s)")
    return {
        "pages": pages,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "pages_per_s": round(pages / seconds, 1),
    }


def measure_queries(rounds: int = 3, repeats: int = 5) -> dict:
    """Query latency as the search benchmark measures it (first 10 results and the count, the
    live pages, every query of its list ``repeats`` times), in ``rounds`` rounds; the median
    round's median and 95th percentile, wall and CPU time, in ms."""
    from wagtail.models import Page

    from tests.bench.search_bench import QUERIES

    pages = Page.objects.live()
    for query in QUERIES:  # warm up: the index readers and the jieba dictionary
        list(pages.search(query, operator="and")[:10])
    figures = []
    for _ in range(rounds):
        wall, cpu = [], []
        for query in QUERIES:
            for _ in range(repeats):
                started, cpu_started = time.perf_counter(), time.process_time()
                results = pages.search(query, operator="and")
                list(results[:10])
                results.count()
                wall.append(1000 * (time.perf_counter() - started))
                cpu.append(1000 * (time.process_time() - cpu_started))
        figures.append(
            {
                "median_ms": statistics.median(wall),
                "p95_ms": statistics.quantiles(wall, n=20)[-1],
                "cpu_median_ms": statistics.median(cpu),
                "cpu_p95_ms": statistics.quantiles(cpu, n=20)[-1],
            }
        )
    return {key: round(statistics.median(f[key] for f in figures), 2) for key in figures[0]}


def _page_fields(page) -> dict:
    from wagtail.models import Page

    return {
        f.attname: getattr(page, f.attname) for f in Page._meta.concrete_fields if f.attname != "id"
    }


def _template_text(rng: random.Random) -> dict:
    return {"summary": "".join(sentence(rng, 25) for _ in range(4))}


def add_certificates(count: int) -> str:
    """Certificates of the demo's issued document up to ``count``; a number to verify."""
    from approvals.models import Certificate

    existing = list(Certificate.objects.select_related("document").order_by("pk"))
    if not existing:
        raise SystemExit("演示数据中没有已签发的证书，无法扩充。")
    model = existing[0]
    fields = {
        f.name: getattr(model, f.name)
        for f in Certificate._meta.concrete_fields
        if f.name not in ("id", "number", "person", "token", "pdf_sha256")
    }
    prefix = model.number.rsplit("-", 1)[0]
    new = [
        Certificate(
            **{**fields, "number": f"{prefix}-{900000 + i:06d}", "pdf_sha256": f"{i:064x}"},
        )
        for i in range(len(existing), count)
    ]
    Certificate.objects.bulk_create(new, batch_size=500)
    log(f"{Certificate.objects.count()} certificates")
    return (new[len(new) // 2] if new else model).number


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notices", type=int, default=200)
    parser.add_argument("--names", type=int, default=3000)
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--certificates", type=int, default=1000)
    parser.add_argument(
        "--publicity-sizes", default="", help="running publicity pages of these sizes (300,3000)"
    )
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="the database already holds the dataset: only add searchable pages and re-index",
    )
    parser.add_argument("--queries", action="store_true", help="measure query latency afterwards")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # New pages of a later --pages-only step get text of their own.
    rng = random.Random(20241101 + (args.pages if args.pages_only else 0))
    started = time.monotonic()
    # Pages are created with search indexing off (one Whoosh commit per page is slow);
    # update_index builds the index once at the end.
    backends = {name: dict(conf) for name, conf in settings.WAGTAILSEARCH_BACKENDS.items()}
    for conf in backends.values():
        conf["AUTO_UPDATE"] = False
    settings.WAGTAILSEARCH_BACKENDS = backends
    urls: dict = {}
    if not args.pages_only:
        call_command("migrate", verbosity=0, interactive=False)
        log("load_demo")
        call_command("load_demo")
        urls["notice"] = add_notices(args.notices, rng)
        urls["publicity"] = fill_publicity(args.names, rng)
        sizes = [int(size) for size in args.publicity_sizes.split(",") if size]
        urls["publicity_sizes"] = add_publicity_sizes(sizes, rng)
        urls["certificate"] = add_certificates(args.certificates)
    urls["index"] = add_search_pages(args.pages, rng)
    if args.queries:
        log("query latency")
        urls["queries"] = measure_queries()
    log(f"dataset ready in {time.monotonic() - started:.0f} s")
    print(json.dumps(urls))


if __name__ == "__main__":
    main()
