"""Turn a ParsedNotice into a draft NoticePage (and TemplatePages for attachment texts)."""

from __future__ import annotations

import hashlib

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


def create_authority(name: str, text_for_region: str = "") -> Authority:
    """A new Authority for an issuer not yet known; the editor completes it later."""
    region = next((r for r in REGIONS if r in name or r in text_for_region), "新疆维吾尔自治区")
    slug = "authority-" + hashlib.sha1(name.encode()).hexdigest()[:8]
    authority, _ = Authority.objects.get_or_create(
        name=name[:120],
        defaults={
            "short_name": name[:40],
            "slug": slug,
            "region": region,
            "document_number_format": "职称〔{year}〕{n}号",
            "seal_text": name[:60],
        },
    )
    return authority


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
    return create_authority(name, parsed.summary)


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


@transaction.atomic
def create_notice_page(
    parsed: ParsedNotice,
    *,
    authority: Authority,
    index=None,
    downloads_index=None,
    publish: bool = False,
    user=None,
):
    """Create the NoticePage (draft unless `publish`) under the notice index, with its phases,
    fees, contacts and attachments; attachment texts become TemplatePages under /downloads/.
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

    index = index or NoticeIndexPage.objects.first()
    if index is None:
        raise NoticeImportError("网站还没有“通知公告”栏目，请先创建栏目页面。")
    year = parsed.review_year
    base = slugify(f"{year}-{authority.slug}") or f"notice-{year}"

    template_pages: dict[int, TemplatePage] = {}
    if any(a.template for a in parsed.attachments):
        downloads_index = downloads_index or TemplateIndexPage.objects.first()
        if downloads_index is None:
            raise NoticeImportError("网站还没有“资料下载”栏目，无法保存附件模板。")
        for attachment in parsed.attachments:
            if not attachment.template:
                continue
            template = attachment.template
            page = TemplatePage(
                title=template.title[:255],
                slug=_unique_slug(downloads_index, f"{base}-attachment-{attachment.number}"),
                summary=f"{parsed.title}（附件{attachment.number}）",
                body=template_body(template),
                offer_xlsx=template.is_roster,
                live=False,
            )
            downloads_index.add_child(instance=page)
            _save(page, publish, user)
            template_pages[attachment.number] = page

    notice = NoticePage(
        title=parsed.title[:255],
        slug=_unique_slug(index, base),
        review_year=year,
        authority=authority,
        document_number=parsed.document_number,
        addressees=parsed.addressees[:255],
        issue_date=parsed.issue_date,
        levels=",".join(parsed.levels),
        summary=parsed.summary,
        body=[
            (
                "section",
                {
                    "heading": section.heading[:80],
                    "content": [
                        (kind, value if kind == "paragraph" else dict(value))
                        for kind, value in section.blocks
                    ],
                },
            )
            for section in parsed.sections
        ],
        contacts=[
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
        ],
        live=False,
    )
    notice.series = list(Series.objects.filter(name__in=parsed.series_names))
    notice.all_series = parsed.all_series
    notice.phases = [
        NoticePhase(
            kind=p.kind, label=p.label[:60], start_date=p.start, end_date=p.end,
            to_be_announced=p.to_be_announced, note=p.note[:500],
        )
        for p in parsed.phases
    ]  # fmt: skip
    notice.fees = [
        NoticeFee(level=f.level, amount=f.amount, note=f.note[:120]) for f in parsed.fees
    ]
    notice.attachments = [
        NoticeAttachment(title=a.title[:200], template_page=template_pages.get(a.number))
        for a in parsed.attachments
    ]
    index.add_child(instance=notice)
    _save(notice, publish, user)
    # Publishing works on a copy from the revision: return the page as stored.
    return NoticePage.objects.get(pk=notice.pk)
