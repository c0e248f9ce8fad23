from django import template

from website import formatting

register = template.Library()


@register.filter
def cn_date(value):
    """{{ page.issue_date|cn_date }} → 2023年9月1日."""
    return formatting.cn_date(value)


@register.filter
def filesize_label(value):
    """{{ document.file_size|filesize_label }} → 86 KB."""
    return formatting.file_size_label(value)


@register.simple_tag(takes_context=True)
def site_meta(context):
    """{% site_meta as meta %}: absolute URL, description and share image of the current page."""
    from website.meta import page_meta

    return page_meta(context.get("request"), context.get("page"))
