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
import sys
import time


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


def fill_publicity(names: int, rng: random.Random) -> str:
    """The running demo publicity, grown to ``names`` entries; its URL."""
    from publicity.models import PublicityEntry, PublicityPage
    from website import identity

    page = next(p for p in PublicityPage.objects.live().specific() if p.is_running)
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
    return page.url


def add_search_pages(count: int, rng: random.Random) -> None:
    """``count`` live template pages with Chinese text, indexed at the end in one pass.

    The rows are written in bulk (the page tree's path arithmetic done here, as treebeard
    does it): ``add_child`` one page at a time took minutes for 10,000 pages, and what is
    measured is the search, not page creation.
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
    for chunk_start in range(existing, count, 1000):
        pages = []
        for i in range(chunk_start, min(count, chunk_start + 1000)):
            step += 1
            title = f"{sentence(rng, 3)[:-1]}模板{i}"
            pages.append(
                TemplatePage(
                    title=title,
                    draft_title=title,
                    slug=f"bench-template-{i}",
                    content_type=content_type,
                    locale=locale,
                    path=template_index.path + _path_step(step),
                    depth=template_index.depth + 1,
                    numchild=0,
                    url_path=f"{template_index.url_path}bench-template-{i}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                    **_template_text(rng),
                )
            )
        parents = Page.objects.bulk_create([Page(**_page_fields(p)) for p in pages])
        for parent, page in zip(parents, pages, strict=True):
            page.page_ptr_id = page.pk = parent.pk
            page.save_base(raw=True)
        log(f"{chunk_start + len(pages)} searchable pages")
    Page.objects.filter(pk=template_index.pk).update(numchild=template_index.get_children().count())
    log("building the search index")
    started = time.monotonic()
    call_command("update_index", verbosity=0)
    log(f"search index built in {time.monotonic() - started:.0f} s")


def _page_fields(page) -> dict:
    from wagtail.models import Page

    return {
        f.attname: getattr(page, f.attname) for f in Page._meta.concrete_fields if f.attname != "id"
    }


def _path_step(n: int) -> str:
    """treebeard's path step (4 base-36 characters)."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(4):
        n, r = divmod(n, 36)
        out = alphabet[r] + out
    return out


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
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    rng = random.Random(20241101)
    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    log("load_demo")
    call_command("load_demo")
    # Pages are created with search indexing off (one Whoosh commit per page is slow);
    # update_index builds the index once at the end.
    backends = {name: dict(conf) for name, conf in settings.WAGTAILSEARCH_BACKENDS.items()}
    for conf in backends.values():
        conf["AUTO_UPDATE"] = False
    settings.WAGTAILSEARCH_BACKENDS = backends
    notice_url = add_notices(args.notices, rng)
    publicity_url = fill_publicity(args.names, rng)
    certificate = add_certificates(args.certificates)
    add_search_pages(args.pages, rng)
    log(f"dataset ready in {time.monotonic() - started:.0f} s")
    print(
        json.dumps(
            {
                "notice": notice_url,
                "publicity": publicity_url,
                "certificate": certificate,
            }
        )
    )


if __name__ == "__main__":
    main()
