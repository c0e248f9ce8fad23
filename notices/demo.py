"""Demo content of the notices column: the two column pages and the four seed notices."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db import transaction

# Seed file → authority slug (authorities come from website.demo).
SEEDS = {
    "2023-bayingol-engineering-notice.txt": "bayingol",
    "2023-toutunhe-engineering-notice.txt": "toutunhe",
    "2024-toutunhe-ftz-notice.txt": "toutunhe",
    "2025-urumqi-all-series-notice.txt": "urumqi",
}


def seeds_dir() -> Path:
    """The seed notices shipped with the app (copies of the product's shared/seeds), so the
    demo and the tests work wherever the repository is checked out."""
    return Path(__file__).resolve().parent / "seeds"


def ensure_index_pages():
    """/notices/ and /downloads/ under the home page, published."""
    from website.demo import ensure_home_page

    from .models import NoticeIndexPage, TemplateIndexPage

    home = ensure_home_page()
    pages = []
    for model, slug, title, intro in (
        (NoticeIndexPage, "notices", "通知公告", "<p>各级职称评审通知：时间安排、评审费、联系方式与附件。</p>"),
        (TemplateIndexPage, "downloads", "资料下载", "<p>申报所需的模板，可在线阅读，也可下载 PDF、Word 或 Excel 文件。</p>"),
    ):  # fmt: skip
        page = model.objects.first()
        if page is None:
            page = home.add_child(instance=model(title=title, slug=slug, intro=intro, live=False))
            page.save_revision().publish()
        pages.append(page)
    return pages


@transaction.atomic
def load(log: Callable[[str], None]) -> None:
    """Import each seed notice once (published, under its authority), with its templates."""
    from website.demo import ensure_authorities, ensure_series
    from website.models import Authority

    from .importer import parse_file
    from .importer.create import create_notice_page
    from .models import NoticePage

    ensure_authorities()
    ensure_series()
    index, downloads = ensure_index_pages()
    folder = seeds_dir()
    if not folder.is_dir():
        log(f"未找到示例通知目录 {folder}，跳过导入示例通知。")
        return
    for name, slug in SEEDS.items():
        path = folder / name
        if not path.is_file():
            log(f"未找到示例通知 {name}，跳过。")
            continue
        parsed = parse_file(path.read_bytes(), name)
        if NoticePage.objects.filter(title=parsed.title).exists():
            log(f"已存在：{parsed.title}")
            continue
        authority = Authority.objects.get(slug=slug)
        page = create_notice_page(
            parsed, authority=authority, index=index, downloads_index=downloads, publish=True
        )
        templates = sum(1 for a in parsed.attachments if a.template)
        log(f"已导入：{page.title}（{len(parsed.phases)} 个时间安排，{templates} 个模板）")
