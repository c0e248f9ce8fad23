"""What a page says about itself to search engines and share previews (WeChat, Weibo).

Absolute addresses come from the Wagtail Site serving the request (set from ``PUBLIC_BASE_URL`` by
load_demo), so a sitemap, a feed or a shared link never names ``localhost``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Site

DEFAULT_DESCRIPTION = (
    "人力资源和社会保障局职称评审通知、评审结果公示、任职资格审批文件与职称电子证书；"
    "所有文件均带电子签名，可在线查验真伪。"
)
DESCRIPTION_LENGTH = 120


@dataclass(frozen=True)
class PageMeta:
    base: str
    url: str
    description: str
    image: str


def site_base_url(request) -> str:
    """The site's root URL without a trailing slash."""
    site = Site.find_for_request(request) if request is not None else None
    if site is not None:
        return site.root_url.rstrip("/")
    return settings.PUBLIC_BASE_URL


def describe(page) -> str:
    """The page's own description, else its summary or introduction as plain text, else the
    site's; at most DESCRIPTION_LENGTH characters."""
    text = ""
    if page is not None:
        for attribute in ("search_description", "summary", "intro"):
            value = getattr(page.specific if hasattr(page, "specific") else page, attribute, "")
            text = " ".join(strip_tags(str(value or "")).split())
            if text:
                break
    return Truncator(text or DEFAULT_DESCRIPTION).chars(DESCRIPTION_LENGTH)


def page_meta(request, page=None) -> PageMeta:
    base = site_base_url(request)
    path = request.path if request is not None else "/"
    if page is not None and getattr(page, "url", None):
        path = page.url if page.url.startswith("/") else path
    image = static("website/img/share.png")
    return PageMeta(
        base=base,
        url=base + path,
        description=describe(page),
        image=image if image.startswith("http") else base + image,
    )
