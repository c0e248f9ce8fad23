"""Template tags: the home page's publicity section (two queries, whatever the count)."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..models import PublicityPage

register = template.Library()


@register.inclusion_tag("publicity/includes/home_section_inner.html", takes_context=True)
def publicity_home_section(context, limit: int = 5):
    """Running and upcoming publicity with their end dates."""
    return {
        "request": context.get("request"),
        "running": list(PublicityPage.objects.running()[:limit]),
        "upcoming": list(PublicityPage.objects.upcoming()[:limit]),
    }


# 0991—3757772, 0991-3757772, 3757772, 13912345678: any dash between area code and number.
PHONE = re.compile(r"(?<![\d])(?:1[3-9]\d{9}|(?:0\d{2,3}\s*[-—–－]\s*)?\d{7,8})(?![\d])")


@register.filter(needs_autoescape=True)
def tel_links(text, autoescape=True):
    """Contact text with its telephone numbers as tel: links (tap to call on a phone), line
    breaks kept."""
    text = str(text or "")
    out = []
    position = 0
    for match in PHONE.finditer(text):
        out.append(escape(text[position : match.start()]))
        digits = re.sub(r"\D", "", match.group(0))
        out.append(f'<a href="tel:{digits}">{escape(match.group(0))}</a>')
        position = match.end()
    out.append(escape(text[position:]))
    return mark_safe("".join(out).replace("\r\n", "\n").replace("\n", "<br>"))
