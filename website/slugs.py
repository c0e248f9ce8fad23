"""Readable page addresses: short ASCII slugs from the year, the authority and the title's
pinyin (``2025-toutunhe-zhicheng-pingshen``) instead of ~200 percent-encoded characters.

The admin fills the slug from the title in the browser; for a Chinese title that is the title
itself. ``ReadableSlugFormMixin`` replaces such a slug when the page is saved for the first time
(a published address never changes under a reader's bookmark).
"""

from __future__ import annotations

import functools
import re

import jieba
from django.utils.text import slugify
from pypinyin import lazy_pinyin

#: Words that say nothing about which page it is (every notice is 关于…的通知).
STOP_WORDS = {
    "关于", "开展", "做好", "组织", "进行", "有关", "事项", "工作", "年度", "年", "的", "通知",
    "公告", "公示", "结果", "名单", "和", "及", "与", "等", "对", "拟", "予以", "同意", "印发",
}  # fmt: skip
MAX_WORDS = 3
MAX_LENGTH = 50


@functools.cache
def _tokenizer() -> jieba.Tokenizer:
    """jieba with its own dictionary only: the search app adds words to the global one, and a
    slug must not depend on whether that happened first."""
    return jieba.Tokenizer()


def pinyin_words(text: str) -> list[str]:
    """The title's words as pinyin, one ASCII word per Chinese word, stop words and years out."""
    words = []
    for word in _tokenizer().cut(text):
        word = word.strip()
        if not word or word in STOP_WORDS or re.fullmatch(r"\d{4}", word):
            continue
        ascii_word = slugify("".join(lazy_pinyin(word)))
        if ascii_word:
            words.append(ascii_word)
    return words


def readable_slug(
    title: str, *, year: int | None = None, authority_slug: str = "", max_words: int = MAX_WORDS
) -> str:
    """``<year>-<authority>-<up to three title words in pinyin>``, at most 50 characters."""
    parts = [str(year)] if year else []
    if authority_slug:
        parts.append(slugify(authority_slug))
    parts.extend(pinyin_words(title)[:max_words])
    slug = ""
    for part in parts:
        candidate = f"{slug}-{part}" if slug else part
        if len(candidate) > MAX_LENGTH:
            break
        slug = candidate
    return slug or "page"


def unique_slug(base: str, is_available) -> str:
    """``base``, or ``base-2``, ``base-3``… the first that ``is_available(slug)`` accepts."""
    slug, n = base, 2
    while not is_available(slug):
        slug = f"{base}-{n}"
        n += 1
    return slug


class ReadableSlugFormMixin:
    """For a ``WagtailAdminPageForm``: a page never published gets a readable ASCII slug in
    place of a blank or Chinese one. Subclasses say which year and authority go first."""

    def slug_year(self) -> int | None:
        return None

    def clean_slug(self):
        from wagtail.models import Page

        slug = self.cleaned_data.get("slug", "")
        if (slug and slug.isascii()) or self.instance.first_published_at:
            return slug
        authority = self.cleaned_data.get("authority")
        base = readable_slug(
            self.cleaned_data.get("title") or slug,
            year=self.slug_year(),
            authority_slug=getattr(authority, "slug", ""),
        )
        return unique_slug(
            base,
            lambda candidate: Page._slug_is_available(candidate, self.parent_page, self.instance),
        )
