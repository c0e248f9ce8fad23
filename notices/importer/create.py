"""Turn a ParsedNotice into a draft NoticePage (and TemplatePages for attachment texts)."""

from __future__ import annotations

import hashlib
import re

from django.db import transaction
from django.utils.text import slugify

from website.choices import REGIONS
from website.models import Authority, Series

from ..blocks import join_cells
from .parse import ParsedNotice, ParsedTemplate
from .text import NoticeImportError


def match_authority(parsed: ParsedNotice) -> Authority | None:
    """The Authority whose name or short name matches the notice's header or signature."""
    names = [n for n in (parsed.authority_name, parsed.signature) if n]
    for name in names:
        found = (
            Authority.objects.filter(name=name).first()
            or Authority.objects.filter(short_name=name).first()
        )
        if found:
            return found
    for name in names:
        for authority in Authority.objects.all():
            if name in authority.name or authority.name in name:
                return authority
    return None


def create_authority(name: str, document_number: str = "") -> Authority:
    """A new Authority for an issuer not yet known, with only what the notice says.

    The region is set only when the name contains a province-level name; the 文号 format
    only when the notice carries a 文号 to take it from (浙财会〔2025〕21号 →
    浙财会〔{year}〕{n}号). Anything else stays empty for the editor to complete.
    """
    region = next((r for r in REGIONS if r in name), "")
    number_format = ""
    match = re.fullmatch(r"(.+)〔\d{4}〕\d+号", document_number or "")
    if match:
        number_format = f"{match.group(1)}〔{{year}}〕{{n}}号"
    slug = "authority-" + hashlib.sha1(name.encode()).hexdigest()[:8]
    authority, _ = Authority.objects.get_or_create(
        name=name[:120],
        defaults={
            "short_name": name[:40],
            "slug": slug,
            "region": region,
            "document_number_format": number_format,
            "seal_text": name[:60],
        },
    )
    return authority


def authority_gaps(authority: Authority) -> list[str]:
    """What an authority still lacks, worded for the editor."""
    gaps = []
    if not authority.region:
        gaps.append(f"发文机关“{authority.name}”未设所在地区（文中未写明），请在“发文机关”中补充。")
    if not authority.document_number_format:
        gaps.append(f"发文机关“{authority.name}”未设文号格式（文中没有文号可参照），请补充。")
    return gaps


def resolve_authority(parsed: ParsedNotice, slug: str | None = None) -> Authority:
    """The --authority given, else a matching one, else a new one; an error if none is named."""
    if slug:
        try:
            return Authority.objects.get(slug=slug)
        except Authority.DoesNotExist:
            raise NoticeImportError(f"找不到标识为“{slug}”的发文机关。") from None
    found = match_authority(parsed)
    if found:
        return found
    name = parsed.authority_name or parsed.signature
    if not name:
        raise NoticeImportError("通知中没有发文机关（落款或文头），请选择发文机关后再导入。")
    return create_authority(name, parsed.document_number)


def find_duplicate(parsed: ParsedNotice, authority: Authority | None = None):
    """The notice already on the site with this 文号, or with this title and authority."""
    from notices.models import NoticePage

    if parsed.document_number:
        found = NoticePage.objects.filter(document_number=parsed.document_number).first()
        if found:
            return found
    if parsed.title and authority is not None:
        return NoticePage.objects.filter(title=parsed.title[:255], authority=authority).first()
    return None


def duplicate_message(existing) -> str:
    """Why an import is stopped, and what the editor can do, in Chinese."""
    what = f"文号“{existing.document_number}”" if existing.document_number else "同一标题和发文机关"
    if existing.live:
        return (
            f"{what}的通知“{existing.title}”已经发布，不能重复导入。"
            "如需修改，请直接编辑已发布的通知。"
        )
    return (
        f"{what}的通知“{existing.title}”已有草稿。"
        "如要用本文件的内容更新该草稿，请勾选“更新已有草稿”后再导入。"
    )


def _unique_slug(parent, base: str) -> str:
    slug = base
    n = 2
    while parent.get_children().filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def template_body(template: ParsedTemplate) -> list[tuple[str, object]]:
    """StreamField data of a parsed template."""
    blocks = []
    for kind, value in template.blocks:
        if kind == "table":
            blocks.append(
                (
                    "table",
                    {
                        "header": join_cells(value["header"]) if value["header"] else "",
                        "rows": "\n".join(join_cells(row) for row in value["rows"]),
                        "blank_rows": value["blank_rows"],
                    },
                )
            )
        else:
            blocks.append((kind, value))
    return blocks


def _save(page, publish: bool, user):
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    return page


def _table_block(value: dict) -> dict:
    return {
        "header": "|".join(value["header"]),
        "rows": "\n".join("|".join(row) for row in value["rows"]),
        "blank_rows": value.get("blank_rows", 0),
    }


def section_content(blocks: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """StreamField data of a section's paragraphs, items and tables."""
    content = []
    for kind, value in blocks:
        if kind == "table":
            content.append(("table", _table_block(value)))
        elif kind == "paragraph":
            content.append((kind, value))
        else:
            content.append((kind, dict(value)))
    return content


@transaction.atomic
def create_notice_page(
    parsed: ParsedNotice,
    *,
    authority: Authority,
    index=None,
    downloads_index=None,
    publish: bool = False,
    user=None,
    update=None,
):
    """Create the NoticePage (draft unless `publish`) under the notice index, with its phases,
    fees, contacts and attachments; attachment texts become TemplatePages under /downloads/.

    A notice whose 文号 (or title and authority) is already on the site is refused, unless
    `update` is that notice's unpublished draft: then the draft and its templates are updated
    in place, so re-importing a corrected file never makes a second notice.
    """
    from notices.models import (
        NoticeAttachment,
        NoticeFee,
        NoticeIndexPage,
        NoticePage,
        NoticePhase,
        TemplateIndexPage,
        TemplatePage,
    )

    if not parsed.title:
        raise NoticeImportError("通知标题为空，请填写标题后再导入。")
    existing = find_duplicate(parsed, authority)
    if existing is not None and (update is None or existing.pk != update.pk):
        raise NoticeImportError(duplicate_message(existing))
    if update is not None:
        update = NoticePage.objects.get(pk=update.pk)
        if update.live:
            raise NoticeImportError(duplicate_message(update))
    index = index or NoticeIndexPage.objects.first()
    if index is None:
        raise NoticeImportError("网站还没有“通知公告”栏目，请先创建栏目页面。")
    year = parsed.review_year
    if year is None:
        raise NoticeImportError("没有识别出评审年度，请填写年度后再导入。")
    base = slugify(f"{year}-{authority.slug}") or f"notice-{year}"

    old_templates: dict[int, TemplatePage] = {}
    if update is not None:
        for position, attachment in enumerate(update.attachments.all(), start=1):
            if attachment.template_page_id:
                old_templates[position] = attachment.template_page.specific
    template_pages: dict[int, TemplatePage] = {}
    if any(a.template for a in parsed.attachments):
        downloads_index = downloads_index or TemplateIndexPage.objects.first()
        if downloads_index is None:
            raise NoticeImportError("网站还没有“资料下载”栏目，无法保存附件模板。")
        for attachment in parsed.attachments:
            if not attachment.template:
                continue
            template = attachment.template
            page = old_templates.pop(attachment.number, None)
            if page is None:
                page = TemplatePage(
                    slug=_unique_slug(downloads_index, f"{base}-attachment-{attachment.number}"),
                    live=False,
                )
            page.title = template.title[:255]
            page.summary = f"{parsed.title}（附件{attachment.number}）"
            page.body = template_body(template)
            page.offer_xlsx = template.is_roster
            if page.pk is None:
                downloads_index.add_child(instance=page)
            _save(page, publish, user)
            template_pages[attachment.number] = page

    notice = update or NoticePage(slug=_unique_slug(index, base), live=False)
    notice.title = parsed.title[:255]
    notice.review_year = year
    notice.authority = authority
    notice.document_number = parsed.document_number
    notice.addressees = parsed.addressees[:255]
    notice.issue_date = parsed.issue_date
    notice.levels = ",".join(parsed.levels)
    notice.summary = parsed.summary
    notice.body = [
        ("section", {"heading": section.heading[:80], "content": section_content(section.blocks)})
        for section in parsed.sections
    ]
    notice.contacts = [
        (
            "contact",
            {
                "purpose": contact.purpose[:40],
                "organisation": contact.organisation[:120],
                "people": contact.people[:120],
                "phones": contact.phones,
                "email": contact.email,
                "address": contact.address[:200],
            },
        )
        for contact in parsed.contacts
    ]
    notice.series = list(Series.objects.filter(name__in=parsed.series_names))
    notice.all_series = parsed.all_series
    notice.phases = [
        NoticePhase(
            kind=p.kind or "其他", label=p.label[:60], start_date=p.start, end_date=p.end,
            to_be_announced=p.to_be_announced, note=p.note[:500],
        )
        for p in parsed.phases
    ]  # fmt: skip
    # A fee without a level the text states is listed among the warnings, not stored.
    notice.fees = [
        NoticeFee(level=f.level, amount=f.amount, note=_fee_note(f)[:120])
        for f in parsed.fees
        if f.level
    ]
    notice.attachments = [
        NoticeAttachment(title=a.title[:200], template_page=template_pages.get(a.number))
        for a in parsed.attachments
    ]
    if notice.pk is None:
        index.add_child(instance=notice)
    _save(notice, publish, user)
    # Publishing works on a copy from the revision: return the page as stored.
    return NoticePage.objects.get(pk=notice.pk)


def _fee_note(fee) -> str:
    """评审费 / 推荐费 … with what the text said beside it, without repeating the kind."""
    if fee.kind and fee.kind not in fee.note:
        return f"{fee.kind}，{fee.note}" if fee.note else fee.kind
    return fee.note
